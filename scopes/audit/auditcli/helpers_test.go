package auditcli

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"path/filepath"
	"sync"
	"testing"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// newDatabaseURL returns databaseURL, or the path of a new SQLite file
// when it is empty.
func newDatabaseURL(t testing.TB, databaseURL string) string {
	t.Helper()
	if databaseURL == "" {
		databaseURL = filepath.Join(t.TempDir(), "scopetrail.db")
	}
	return databaseURL
}

// openMigrated opens url read-write and migrates it, as serve does.
func openMigrated(t testing.TB, url string) *sqldb.DB {
	t.Helper()
	db, err := sqldb.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// opener opens url read-only with the fixtures' signing key, as
// `scopetrail audit` opens the configured database.
func opener(url string) Opener {
	return func(ctx context.Context) (*sqldb.DB, ed25519.PrivateKey, error) {
		db, err := sqldb.OpenReadOnly(ctx, url)
		return db, ed25519.NewKeyFromSeed(fixtureSeed), err
	}
}

// runCLI runs the audit command args on url's database and returns its
// stdout and error.
func runCLI(t *testing.T, url string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := Run(t.Context(), args, &out, &errOut, opener(url))
	return out.String(), err
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
