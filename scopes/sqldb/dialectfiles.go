package sqldb

import (
	"io/fs"
	"strings"
)

// A migration that cannot be written once for both dialects comes as two
// files with the same number, NNNNN_name.sqlite.sql and
// NNNNN_name.postgres.sql; Migrate runs the one of its dialect.

// otherDialects returns the names of the migration files in fsys written
// for a dialect other than d, for goose to leave out.
func otherDialects(fsys fs.FS, d Dialect) []string {
	names, _ := fs.Glob(fsys, "*.sql")
	var out []string
	for _, n := range names {
		for _, other := range []Dialect{SQLite, Postgres} {
			if other != d && strings.HasSuffix(n, "."+string(other)+".sql") {
				out = append(out, n)
			}
		}
	}
	return out
}
