package sqldb_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/pressly/goose/v3"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestFailureCodesMigration runs migration 00012 over rows written before
// it: kept failures become the code "unknown", a calendar's sentence stays
// as its detail, the directory's and the recordings' texts go, and the
// reasons of waiting recordings are left alone. Down brings the texts back
// where they were kept.
func TestFailureCodesMigration(t *testing.T) {
	t.Parallel()
	sqldbtest.EachURL(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db, err := sqldb.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		dialect := goose.DialectSQLite3
		if db.Dialect == sqldb.Postgres {
			dialect = goose.DialectPostgres
		}
		p, err := goose.NewProvider(dialect, db.DB, migrationsBefore(t, "00013"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.UpTo(ctx, 11); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{
			`INSERT INTO calendar_links (user_id, calendar_id, summary, is_primary, access_role, linked_at, sync_error)
					VALUES ('u1', 'primary', 'Me', 1, 'owner', 1, 'Google answered 503 backendError.'), ('u1', 'team', 'Team', 0, 'reader', 1, '')`,
			`INSERT INTO directory_syncs (owner_id, last_error) VALUES ('u1', 'Get "http://x.test/?pageToken=S": boom')`,
			`INSERT INTO recordings (user_id, file_id, kind, name, mime_type, size, md5, created_at, modified_at, meeting_id,
					meet_code, state, reason, found_at, updated_at)
					VALUES ('u1', 'f1', 'recording', 'a', 'video/mp4', 1, '', 0, 0, '', '', 'failed', 'the connection to Google failed: EOF', 0, 0),
					('u1', 'f2', 'recording', 'b', 'video/mp4', 1, '', 0, 0, '', '', 'queued', 'waiting for transcription', 0, 0)`,
		} {
			if _, err := db.Exec(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		if _, err := p.UpTo(ctx, 12); err != nil {
			t.Fatal(err)
		}
		check := func(query, want1, want2 string) {
			t.Helper()
			var got1, got2 string
			if err := db.QueryRow(ctx, query).Scan(&got1, &got2); err != nil || got1 != want1 || got2 != want2 {
				t.Errorf("%s = %q %q, %v; want %q %q", query, got1, got2, err, want1, want2)
			}
		}
		check("SELECT sync_error, sync_error_detail FROM calendar_links WHERE calendar_id = 'primary'", "unknown", "Google answered 503 backendError.")
		check("SELECT sync_error, sync_error_detail FROM calendar_links WHERE calendar_id = 'team'", "", "")
		check("SELECT last_error, last_error_detail FROM directory_syncs", "unknown", "")
		check("SELECT reason, reason_detail FROM recordings WHERE file_id = 'f1'", "unknown", "")
		check("SELECT reason, reason_detail FROM recordings WHERE file_id = 'f2'", "waiting for transcription", "")

		if _, err := p.DownTo(ctx, 11); err != nil {
			t.Fatal(err)
		}
		check("SELECT sync_error, summary FROM calendar_links WHERE calendar_id = 'primary'", "Google answered 503 backendError.", "Me")
		check("SELECT reason, name FROM recordings WHERE file_id = 'f2'", "waiting for transcription", "b")
		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("migrating to the last version: %v", err)
		}
	})
}

// migrationsBefore returns the migrations whose names sort before name,
// none of them written per dialect.
func migrationsBefore(t *testing.T, name string) fstest.MapFS {
	t.Helper()
	entries, err := os.ReadDir("migrations")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{}
	for _, e := range entries {
		if e.Name() >= name {
			continue
		}
		b, err := os.ReadFile(filepath.Join("migrations", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		fsys[e.Name()] = &fstest.MapFile{Data: b}
	}
	return fsys
}
