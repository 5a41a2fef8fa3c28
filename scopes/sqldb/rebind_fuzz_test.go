package sqldb_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// placeholder is a PostgreSQL placeholder as Rebind writes it.
var placeholder = regexp.MustCompile(`\$[0-9]+`)

// placeholderThenDigit is a ? followed by a digit.
var placeholderThenDigit = regexp.MustCompile(`\?[0-9]`)

// FuzzRebind checks Rebind's properties on any query: SQLite's query is
// left as it is; PostgreSQL's numbers its placeholders $1, $2, … in order,
// one for every ? outside single-quoted literals, and writing ? back for
// them gives the query again.
func FuzzRebind(f *testing.F) {
	for _, q := range []string{
		"SELECT 1",
		"SELECT * FROM t WHERE a = ? AND b = ?",
		"SELECT '?' WHERE a = ?",
		"SELECT 'it''s ?' , ? FROM t",
		"INSERT INTO t (a, b, c) VALUES (?, ?, ?)",
		"SELECT '?",
		"?'?'?",
		"??????????",
		"SELECT \"?\" FROM t WHERE x = ?",
		"UPDATE t SET a = ? WHERE b LIKE '%?%' AND c = ?",
		"",
	} {
		f.Add(q)
	}
	pg := &sqldb.DB{Dialect: sqldb.Postgres}
	lite := &sqldb.DB{Dialect: sqldb.SQLite}
	f.Fuzz(func(t *testing.T, q string) {
		if got := lite.Rebind(q); got != q {
			t.Fatalf("SQLite Rebind(%q) = %q, want it unchanged", q, got)
		}
		got := pg.Rebind(q)
		if strings.Contains(q, "$") || placeholderThenDigit.MatchString(q) {
			// The query's own $, or a digit right after a ?, which SQL
			// never has ("?0" would read as $10), would blur the check.
			return
		}
		want := 0
		quoted := false
		for i := 0; i < len(q); i++ {
			switch {
			case q[i] == '\'':
				quoted = !quoted
			case q[i] == '?' && !quoted:
				want++
			}
		}
		found := placeholder.FindAllString(got, -1)
		if len(found) != want {
			t.Fatalf("Rebind(%q) = %q: %d placeholders, want %d", q, got, len(found), want)
		}
		for i, p := range found {
			if p != "$"+strconv.Itoa(i+1) {
				t.Fatalf("Rebind(%q) = %q: placeholder %d is %s", q, got, i+1, p)
			}
		}
		if back := placeholder.ReplaceAllString(got, "?"); back != q {
			t.Fatalf("Rebind(%q) = %q, which does not give the query back (%q)", q, got, back)
		}
	})
}
