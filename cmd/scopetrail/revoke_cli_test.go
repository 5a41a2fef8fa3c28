package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestRevokeCommandsNeedNoRiver runs suspend, resume and revoke against a
// database that has the app's tables but not River's, as a fresh install
// that never served has: they work, and leave River's tables uncreated,
// since they build the stores, the trail, the door and the revocation
// service only.
func TestRevokeCommandsNeedNoRiver(t *testing.T) {
	for name, url := range map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return filepath.Join(t.TempDir(), "scopetrail.db") },
		"postgres": func(t *testing.T) string { return sqldbtest.PostgresURL(t) },
	} {
		t.Run(name, func(t *testing.T) { testRevokeCommandsNeedNoRiver(t, url(t)) })
	}
}

func testRevokeCommandsNeedNoRiver(t *testing.T, databaseURL string) {
	demoEnv(t, databaseURL)
	ctx := context.Background()
	db, err := sqldb.Open(ctx, databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	u, err := identity.NewStore(db, time.Now).SignIn(ctx, "sub-1", "ana@example.com", "Ana", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	grants := grant.NewStore(db, time.Now)
	if _, err := grants.Record(ctx, u.ID, "client", []string{scopes.OpenID, scopes.Email, scopes.CalendarReadonly}); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"suspend", "--user", u.Email, "--scope", "calendar.readonly"},
		{"resume", "--user", u.Email, "--scope", "calendar.readonly"},
		{"revoke", "--user", u.Email},
	} {
		// The demo's Google is out of the command line's reach: the
		// revocation at Google stays pending, and revoke says so.
		if out, err := cli(t, args...); err != nil && (args[0] != "revoke" || !errors.Is(err, errRevokePending)) {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		if riverTables(t, db) {
			t.Fatalf("%v created River's tables", args)
		}
	}
	g, err := grants.Get(ctx, u.ID)
	if err != nil || !strings.Contains(g.Reason, "command line") {
		t.Errorf("grant after revoke = %+v, %v; want it revoked from the command line", g, err)
	}
}

// riverTables reports whether River's job table exists in db.
func riverTables(t *testing.T, db *sqldb.DB) bool {
	t.Helper()
	q := `SELECT COUNT(*) FROM sqlite_master WHERE name = 'river_job'`
	if db.Dialect == sqldb.Postgres {
		q = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'river_job'`
	}
	var n int
	if err := db.QueryRowContext(context.Background(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n > 0
}
