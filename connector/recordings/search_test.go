package recordings

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// searchFixture stores two members' transcripts: u-1 has an engine's
// transcript of recording f1 in meeting m1 and a Meet transcript d1 in m2;
// u-2 has a recording with the same file id and words of their own.
func searchFixture(t testing.TB, db *sqldb.DB) *Service {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	s := &Service{o: Options{DB: db}, store: &store{db: db, now: func() time.Time { return now }}}
	for _, r := range []Recording{
		{UserID: "u-1", FileID: "f1", Kind: KindRecording, Name: "Sync - Recording", MeetingID: "m1", Created: now.Add(-time.Hour)},
		{UserID: "u-1", FileID: "d1", Kind: KindTranscript, Name: "Review - Transcript", MeetingID: "m2", Created: now},
		{UserID: "u-2", FileID: "f1", Kind: KindRecording, Name: "Theirs - Recording", MeetingID: "m9", Created: now},
	} {
		if _, err := s.store.upsert(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	mine := Transcript{Engine: "pocketsphinx", Segments: []Segment{
		{Start: 0, End: 4 * time.Second, Text: "we should review the roadmap before Friday"},
		{Start: 4 * time.Second, End: 9 * time.Second, Text: "the budget looks fine"},
		{Start: 9 * time.Second, End: 12 * time.Second, Text: "ZOË says: ship it"},
	}}
	meet := "[00:01:05] Ada Lovelace: the roadmap, again\n[00:01:09] Zoë Ångström: NEAR(roadmap) is \"fine\" -- really*\n"
	theirs := Transcript{Engine: "openai", Segments: []Segment{{Start: time.Minute, End: 2 * time.Minute, Text: "secret roadmap budget"}}}
	for _, w := range []struct {
		user, file string
		t          Transcript
	}{{"u-1", "f1", mine}, {"u-1", "d1", Transcript{Engine: engineMeet, Text: meet, Segments: parseMeetTranscript(meet)}}, {"u-2", "f1", theirs}} {
		if err := s.store.setTranscript(ctx, w.user, w.file, w.t); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// hitKey names a hit by its file and segment.
func hitKeys(hits []Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.FileID+"#"+string(rune('0'+h.Seq)))
	}
	return out
}

// TestSearch runs the same searches on SQLite (FTS5) and PostgreSQL
// (tsvector): words and phrases, any case; newest recording first; only the
// member's own transcripts, even where file ids are the same.
func TestSearch(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		s := searchFixture(t, db)
		for _, tc := range []struct {
			user, query string
			want        []string
		}{
			{"u-1", "roadmap", []string{"d1#0", "d1#1", "f1#0"}},
			{"u-1", "ROADMAP friday", []string{"f1#0"}},
			{"u-1", `"looks fine"`, []string{"f1#1"}},
			{"u-1", `"fine looks"`, nil},
			{"u-1", "zoë", []string{"f1#2"}},
			{"u-1", "secret", nil},
			{"u-2", "roadmap", []string{"f1#0"}},
			{"u-3", "roadmap", nil},
			{"u-1", "  ", nil},
		} {
			hits, err := s.Search(ctx, tc.user, tc.query, 10)
			if err != nil {
				t.Fatalf("Search(%s, %q): %v", tc.user, tc.query, err)
			}
			if got := hitKeys(hits); !cmp.Equal(got, tc.want) {
				t.Errorf("Search(%s, %q) = %v, want %v", tc.user, tc.query, got, tc.want)
			}
		}
		hits, _ := s.Search(ctx, "u-1", "Ship", 10)
		want := []Hit{{MeetingID: "m1", FileID: "f1", Name: "Sync - Recording", Seq: 2, Start: 9 * time.Second,
			Snippet: []SnippetPart{{Text: "ZOË says: "}, {Text: "ship", Match: true}, {Text: " it"}}}}
		if diff := cmp.Diff(want, hits); diff != "" {
			t.Errorf("Search(Ship) (-want +got):\n%s", diff)
		}
		hits, _ = s.Search(ctx, "u-1", "again", 10)
		if len(hits) != 1 || hits[0].MeetingID != "m2" || hits[0].Speaker != "Ada Lovelace" || hits[0].Start != 65*time.Second {
			t.Errorf("Search(again) = %+v, want Ada Lovelace at 1:05 in m2", hits)
		}
		if hits, _ := s.Search(ctx, "u-1", "roadmap", 2); len(hits) != 2 {
			t.Errorf("Search with limit 2 gave %d hits", len(hits))
		}
	})
}

// TestSearchSyntax: FTS5 and tsquery operators in a query are words or
// nothing, never syntax, on both databases.
func TestSearchSyntax(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		s := searchFixture(t, db)
		for _, tc := range []struct {
			query string
			want  []string
		}{
			{`"roadmap`, []string{"d1#0", "d1#1", "f1#0"}},
			{`roadmap*`, []string{"d1#0", "d1#1", "f1#0"}},
			{`-roadmap`, []string{"d1#0", "d1#1", "f1#0"}},
			{`NEAR(roadmap fine)`, []string{"d1#1"}},
			{`near roadmap`, []string{"d1#1"}},
			{`roadmap OR budget`, nil},
			{`text:roadmap AND ^friday`, nil},
			{`roadmap & !budget | (fine) <-> ''`, nil},
			{`"" * - ^ : ( ) '`, nil},
		} {
			hits, err := s.Search(context.Background(), "u-1", tc.query, 10)
			if err != nil {
				t.Fatalf("Search(%q): %v", tc.query, err)
			}
			if got := hitKeys(hits); !cmp.Equal(got, tc.want) {
				t.Errorf("Search(%q) = %v, want %v", tc.query, got, tc.want)
			}
		}
	})
}

// TestSegmentsFollowTheRow: a new transcript replaces the segments and
// their index, a change in Drive drops them, and the purge removes them
// with the index, leaving the other member's alone.
func TestSegmentsFollowTheRow(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		s := searchFixture(t, db)
		redo := Transcript{Engine: "openai", Segments: []Segment{{Start: time.Second, End: 2 * time.Second, Text: "brand new words"}}}
		if err := s.store.setTranscript(ctx, "u-1", "f1", redo); err != nil {
			t.Fatal(err)
		}
		got, err := s.TimedTranscript(ctx, "u-1", "f1")
		want := Transcript{Engine: "openai", Text: "brand new words\n", FileID: "f1", Segments: redo.Segments}
		if err != nil || !cmp.Equal(want, got) {
			t.Errorf("TimedTranscript = %+v, %v; want %+v", got, err, want)
		}
		if hits, _ := s.Search(ctx, "u-1", "friday", 10); len(hits) != 0 {
			t.Errorf("the replaced transcript is still found: %v", hitKeys(hits))
		}
		if hits, _ := s.Search(ctx, "u-1", "brand", 10); len(hits) != 1 {
			t.Errorf("the new transcript is found %d times, want once", len(hits))
		}
		if _, err := s.store.upsert(ctx, Recording{UserID: "u-1", FileID: "f1", Kind: KindRecording, MD5: "new"}); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.TimedTranscript(ctx, "u-1", "f1"); len(got.Segments) != 0 || got.Engine != "" {
			t.Errorf("after a change in Drive the transcript is %+v, want none", got)
		}
		if _, err := s.store.purge(ctx, "u-1"); err != nil {
			t.Fatal(err)
		}
		var left int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM transcript_segments WHERE user_id = ?`, "u-1").Scan(&left); err != nil || left != 0 {
			t.Errorf("%d segments left after the purge (%v)", left, err)
		}
		if db.Dialect == sqldb.SQLite {
			var indexed int
			if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM transcript_search WHERE transcript_search MATCH 'roadmap'`).Scan(&indexed); err != nil || indexed != 1 {
				t.Errorf("the index holds %d roadmap segments after the purge (%v), want the other member's 1", indexed, err)
			}
		}
		if hits, _ := s.Search(ctx, "u-2", "roadmap", 10); len(hits) != 1 {
			t.Errorf("the purge touched the other member's transcript: %v", hitKeys(hits))
		}
		if _, err := s.TimedTranscript(ctx, "u-1", "d1"); !errors.Is(err, ErrNotFound) {
			t.Errorf("TimedTranscript after the purge = %v, want ErrNotFound", err)
		}
	})
}

// FuzzSearch: no query makes either database's search fail, and a hit's
// snippet is the segment's words.
func FuzzSearch(f *testing.F) {
	for _, q := range []string{`"roadmap`, `NEAR(a b, 2)`, `-x OR y*`, `a:b ^c`, `'' <-> !`, "\x00\xff"} {
		f.Add(q)
	}
	db := sqldbtest.SQLite(f)
	s := searchFixture(f, db)
	f.Fuzz(func(t *testing.T, q string) {
		hits, err := s.Search(context.Background(), "u-1", q, 5)
		if err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
		for _, h := range hits {
			var b strings.Builder
			for _, p := range h.Snippet {
				b.WriteString(p.Text)
			}
			if b.Len() == 0 || h.FileID == "" {
				t.Fatalf("hit %+v has no text", h)
			}
		}
	})
}

// TestSnippet: a long segment is cut to snippetWords words around its
// first match, with ellipses; matched words are marked without the
// punctuation around them, whatever their case.
func TestSnippet(t *testing.T) {
	t.Parallel()
	words := strings.Fields(strings.Repeat("filler ", 60))
	words[20] = "(Roadmap),"
	got := snippet(strings.Join(words, " "), map[string]bool{"roadmap": true})
	want := []SnippetPart{
		{Text: "… " + strings.Repeat("filler ", 10) + "("},
		{Text: "Roadmap", Match: true},
		{Text: ")," + strings.Repeat(" filler", 19) + " …"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("snippet (-want +got):\n%s", diff)
	}
}
