package sqldb_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// hasGooseTable reports whether goose's version table exists in url's
// database, asked through a read-write handle.
func hasGooseTable(t *testing.T, url string) bool {
	t.Helper()
	db, err := sqldb.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	q := "SELECT COUNT(*) FROM sqlite_master WHERE name = 'goose_db_version'"
	if db.Dialect == sqldb.Postgres {
		q = "SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'goose_db_version'"
	}
	var n int
	if err := db.QueryRow(context.Background(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n > 0
}

// TestOpenReadOnlyReadsAndRefusesWrites opens a migrated database
// read-only: it reads what was written, and refuses every write.
func TestOpenReadOnlyReadsAndRefusesWrites(t *testing.T) {
	sqldbtest.EachURL(t, func(t *testing.T, url string) {
		ctx := context.Background()
		rw := sqldbtest.Migrated(t, url)
		if _, err := rw.Exec(ctx, "INSERT INTO settings (name, value) VALUES (?, ?)", "k", "v1"); err != nil {
			t.Fatal(err)
		}
		rw.Close() // SQLite removes its -wal and -shm files: read-only must open without them
		ro, err := sqldb.OpenReadOnly(ctx, url)
		if err != nil {
			t.Fatalf("OpenReadOnly: %v", err)
		}
		defer ro.Close()
		var got string
		if err := ro.QueryRow(ctx, "SELECT value FROM settings WHERE name = ?", "k").Scan(&got); err != nil || got != "v1" {
			t.Fatalf("read %q, %v; want v1", got, err)
		}
		for _, stmt := range []string{
			"INSERT INTO settings (name, value) VALUES ('k2', 'v2')",
			"UPDATE settings SET value = 'changed'",
			"CREATE TABLE intruder (id INTEGER)",
		} {
			if _, err := ro.Exec(ctx, stmt); err == nil {
				t.Errorf("%s: no error on a read-only handle", stmt)
			}
		}
		err = ro.InTx(ctx, func(tx *sqldb.Tx) error {
			_, err := tx.Exec(ctx, "DELETE FROM settings")
			return err
		})
		if err == nil {
			t.Error("DELETE in a transaction: no error on a read-only handle")
		}
		if err := sqldbtest.Migrated(t, url).QueryRow(ctx, "SELECT value FROM settings WHERE name = ?", "k").Scan(&got); err != nil || got != "v1" {
			t.Errorf("after the refused writes: %q, %v; want v1", got, err)
		}
	})
}

// TestOpenReadOnlyRefusesUnmigrated opens a database that was never
// migrated: it is refused with ErrNotMigrated and stays unmigrated, with no
// goose table created.
func TestOpenReadOnlyRefusesUnmigrated(t *testing.T) {
	sqldbtest.EachURL(t, func(t *testing.T, url string) {
		ctx := context.Background()
		rw, err := sqldb.Open(ctx, url) // creates the SQLite file, empty
		if err != nil {
			t.Fatal(err)
		}
		rw.Close()
		ro, err := sqldb.OpenReadOnly(ctx, url)
		if !errors.Is(err, sqldb.ErrNotMigrated) {
			if ro != nil {
				ro.Close()
			}
			t.Fatalf("OpenReadOnly of an unmigrated database: %v; want ErrNotMigrated", err)
		}
		t.Logf("refused: %v", err)
		if hasGooseTable(t, url) {
			t.Error("OpenReadOnly created goose's version table")
		}
	})
}

// TestOpenReadOnlyMissingFile refuses a SQLite path where no file is, and
// does not create one.
func TestOpenReadOnlyMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nothing-here", "st.db")
	if db, err := sqldb.OpenReadOnly(context.Background(), path); err == nil {
		db.Close()
		t.Fatal("opened a database that does not exist")
	}
	if _, err := os.Stat(filepath.Dir(path)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("OpenReadOnly created %s (%v)", filepath.Dir(path), err)
	}
}
