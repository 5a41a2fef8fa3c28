package sqldb

import (
	"slices"
	"testing"
	"testing/fstest"
)

// TestOtherDialects: Migrate leaves out the migration files written for the
// other dialect, and keeps the shared ones and its own.
func TestOtherDialects(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"00001_init.sql": {}, "00002_x.sqlite.sql": {}, "00002_x.postgres.sql": {}, "00003_postgres_notes.sql": {},
	}
	if got, want := otherDialects(fsys, SQLite), []string{"00002_x.postgres.sql"}; !slices.Equal(got, want) {
		t.Errorf("left out for SQLite: %v, want %v", got, want)
	}
	if got, want := otherDialects(fsys, Postgres), []string{"00002_x.sqlite.sql"}; !slices.Equal(got, want) {
		t.Errorf("left out for PostgreSQL: %v, want %v", got, want)
	}
}
