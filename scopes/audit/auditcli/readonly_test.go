package auditcli

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestAuditCommandsNeverMigrate runs every command that opens the database
// on one that was never migrated, on SQLite and PostgreSQL: each is refused
// with words that say why, and the database stays unmigrated, without even
// goose's version table.
func TestAuditCommandsNeverMigrate(t *testing.T) {
	sqldbtest.EachURL(t, func(t *testing.T, url string) {
		db, err := sqldb.Open(context.Background(), url) // creates the SQLite file, empty
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		for _, args := range [][]string{{"verify"}, {"export", "--format", "csv"}, {"tail"}, {"pubkey"}} {
			_, err := runCLI(t, url, args...)
			if !errors.Is(err, sqldb.ErrNotMigrated) || !strings.Contains(err.Error(), "never migrate") {
				t.Errorf("%s: %v; want it refused as not migrated", args[0], err)
			}
		}
		q := "SELECT COUNT(*) FROM sqlite_master"
		if db.Dialect == sqldb.Postgres {
			q = "SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema()"
		}
		var tables int
		if err := db.QueryRow(context.Background(), q).Scan(&tables); err != nil || tables != 0 {
			t.Errorf("after the commands the database holds %d tables (%v); want none", tables, err)
		}
	})
}
