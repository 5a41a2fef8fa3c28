// Package sqldbtest opens fresh, migrated databases for tests: a SQLite file
// in a temporary directory, and a private schema in the PostgreSQL server
// named by TEST_POSTGRES_URL.
package sqldbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// PostgresEnv is the variable that names the PostgreSQL server for tests.
const PostgresEnv = "TEST_POSTGRES_URL"

// SQLite returns a migrated SQLite database in t's temporary directory.
func SQLite(t testing.TB) *sqldb.DB {
	t.Helper()
	return Migrated(t, t.TempDir()+"/test.db")
}

// Migrated opens the database at url, closed when the test ends, and
// migrates it.
func Migrated(t testing.TB, url string) *sqldb.DB {
	t.Helper()
	db, err := sqldb.Open(context.Background(), url)
	if err != nil {
		t.Fatalf("sqldb.Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return db
}

// PostgresURL returns a URL for a new, empty schema in the PostgreSQL server
// named by TEST_POSTGRES_URL, dropped when the test ends. The test is skipped
// when the variable is not set, and fails instead in CI (CI=true), where
// PostgreSQL must be tested.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	switch {
	case base == "" && os.Getenv("CI") == "true":
		t.Fatalf("%s is not set, and CI=true requires the PostgreSQL tests to run", PostgresEnv)
	case base == "":
		t.Skipf("%s is not set", PostgresEnv)
	}
	ctx := context.Background()
	admin, err := sqldb.Open(ctx, base)
	if err != nil {
		t.Fatalf("opening %s: %v", PostgresEnv, err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("creating schema: %v", err)
	}
	t.Cleanup(func() {
		db, err := sqldb.Open(context.Background(), base)
		if err != nil {
			return
		}
		defer db.Close()
		db.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parsing %s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Postgres returns a migrated database in a new PostgreSQL schema. The test is
// skipped when TEST_POSTGRES_URL is not set, except in CI (see PostgresURL).
func Postgres(t testing.TB) *sqldb.DB {
	t.Helper()
	return Migrated(t, PostgresURL(t))
}

// Each runs fn once per backend, as subtests named "sqlite" and "postgres".
func Each(t *testing.T, fn func(t *testing.T, db *sqldb.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// EachURL runs fn once per backend, as subtests named "sqlite" and
// "postgres", with the URL of a database not yet created or migrated: a
// SQLite path in a temporary directory, a new PostgreSQL schema.
func EachURL(t *testing.T, fn func(t *testing.T, url string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, t.TempDir()+"/test.db") })
	t.Run("postgres", func(t *testing.T) { fn(t, PostgresURL(t)) })
}
