package sqldb_test

import (
	"context"
	"testing"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

func TestMigrateAndTx(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("second Migrate: %v", err)
		}
		err := db.InTx(ctx, func(tx *sqldb.Tx) error {
			_, err := tx.Exec(ctx, "INSERT INTO settings (name, value) VALUES (?, ?)", "k", "v1")
			return err
		})
		if err != nil {
			t.Fatalf("InTx: %v", err)
		}
		var got string
		if err := db.QueryRow(ctx, "SELECT value FROM settings WHERE name = ?", "k").Scan(&got); err != nil || got != "v1" {
			t.Fatalf("read back %q, %v; want v1", got, err)
		}
	})
}

func TestRebind(t *testing.T) {
	pg := &sqldb.DB{Dialect: sqldb.Postgres}
	got := pg.Rebind("SELECT '?' WHERE a = ? AND b = ?")
	if want := "SELECT '?' WHERE a = $1 AND b = $2"; got != want {
		t.Fatalf("Rebind = %q, want %q", got, want)
	}
	lite := &sqldb.DB{Dialect: sqldb.SQLite}
	if got := lite.Rebind("a = ?"); got != "a = ?" {
		t.Fatalf("SQLite Rebind changed the query: %q", got)
	}
}
