package sqldb_test

import (
	"context"
	"slices"
	"testing"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestOnClose: Close runs the functions given to OnClose first, newest
// first, while the database still answers.
func TestOnClose(t *testing.T) {
	t.Parallel()
	sqldbtest.EachURL(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db, err := sqldb.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		var ran []string
		for _, name := range []string{"first", "second"} {
			db.OnClose(func() error {
				var one int
				if err := db.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
					t.Errorf("%s: the database no longer answers: %v", name, err)
				}
				ran = append(ran, name)
				return nil
			})
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		if want := []string{"second", "first"}; !slices.Equal(ran, want) {
			t.Errorf("ran %v, want %v", ran, want)
		}
	})
}

// TestCachedStatements: on SQLite, a statement run again, outside a
// transaction and inside one, reads what is there now, also after the
// schema changed under the statement the handle cached. (PostgreSQL's
// statements are cached by pgx, which this package leaves alone.)
func TestCachedStatements(t *testing.T) {
	t.Parallel()
	db := sqldbtest.SQLite(t)
	ctx := context.Background()
	if _, err := db.Exec(ctx, "CREATE TABLE cached (a TEXT NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	count := func(q sqldb.Querier) int {
		t.Helper()
		var n int
		if err := q.QueryRow(ctx, "SELECT COUNT(*) FROM cached WHERE a = ?", "x").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for i := 1; i <= 3; i++ {
		if _, err := db.Exec(ctx, "INSERT INTO cached (a) VALUES (?)", "x"); err != nil {
			t.Fatal(err)
		}
		if n := count(db); n != i {
			t.Fatalf("after %d inserts, %d rows", i, n)
		}
	}
	columns := func(q sqldb.Querier) int {
		t.Helper()
		rows, err := q.Query(ctx, "SELECT * FROM cached WHERE a = ?", "x")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		names, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		return len(names)
	}
	if n := columns(db); n != 1 {
		t.Fatalf("SELECT * reads %d columns, want 1", n)
	}
	if _, err := db.Exec(ctx, "ALTER TABLE cached ADD COLUMN b TEXT NOT NULL DEFAULT 'y'"); err != nil {
		t.Fatal(err)
	}
	if n := columns(db); n != 2 {
		t.Errorf("SELECT * after ALTER TABLE reads %d columns, want 2", n)
	}
	err := db.InTx(ctx, func(tx *sqldb.Tx) error {
		if _, err := tx.Exec(ctx, "INSERT INTO cached (a) VALUES (?)", "x"); err != nil {
			return err
		}
		if n := count(tx); n != 4 {
			t.Errorf("inside the transaction, %d rows, want 4", n)
		}
		if n := columns(tx); n != 2 {
			t.Errorf("inside the transaction, SELECT * reads %d columns, want 2", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
