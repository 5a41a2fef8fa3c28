package sqldb_test

import (
	"context"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestInReadTxDoesNotWait: a read-only transaction runs while another
// holds the write lock with an uncommitted change, and sees the database as
// it was before that change in every statement, even after the writer
// commits midway.
func TestInReadTxDoesNotWait(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := db.Exec(ctx, "INSERT INTO settings (name, value) VALUES ('k', 'before')"); err != nil {
			t.Fatal(err)
		}
		writer, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer writer.Rollback()
		if _, err := writer.ExecContext(ctx, db.Rebind("UPDATE settings SET value = ? WHERE name = 'k'"), "after"); err != nil {
			t.Fatal(err)
		}

		start := time.Now()
		var first, second string
		err = db.InReadTx(ctx, func(tx *sqldb.Tx) error {
			if err := tx.QueryRow(ctx, "SELECT value FROM settings WHERE name = 'k'").Scan(&first); err != nil {
				return err
			}
			if err := writer.Commit(); err != nil {
				t.Errorf("committing the writer during the read: %v", err)
			}
			return tx.QueryRow(ctx, "SELECT value FROM settings WHERE name = 'k'").Scan(&second)
		})
		if err != nil {
			t.Fatalf("InReadTx: %v", err)
		}
		if waited := time.Since(start); waited > 2*time.Second {
			t.Errorf("the read waited %v for the writer", waited)
		}
		if first != "before" || second != "before" {
			t.Errorf("the read saw %q then %q, want the snapshot's %q twice", first, second, "before")
		}

	})
}
