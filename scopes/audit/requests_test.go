package audit

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// placeSeqs is what a test compares of a Place: the seqs it names, 0 for
// none.
type placeSeqs struct {
	Seq, Begin, Outcome, Head, Checkpoint int64
}

func seqsOf(p Place) placeSeqs {
	s := placeSeqs{Seq: p.Entry.Seq, Head: p.Head}
	if p.Begin != nil {
		s.Begin = p.Begin.Seq
	}
	if p.Outcome != nil {
		s.Outcome = p.Outcome.Seq
	}
	if p.Checkpoint != nil {
		s.Checkpoint = p.Checkpoint.Seq
	}
	return s
}

// TestPlace checks that an entry is read with the other entry of its
// request, the chain's head and the first checkpoint that covers it: a
// completed request from either of its entries, a request left in flight,
// an entry that is not a request, and a seq no entry has.
func TestPlace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		t.Parallel()
		tr := queryFixture(t, db)
		if err := tr.Close(); err != nil {
			t.Fatal(err)
		}
		for _, want := range []placeSeqs{
			{Seq: 1, Outcome: 2, Head: 14, Checkpoint: 5},
			{Seq: 2, Begin: 1, Head: 14, Checkpoint: 5},
			{Seq: 5, Outcome: 6, Head: 14, Checkpoint: 5},
			{Seq: 6, Begin: 5, Head: 14, Checkpoint: 10},
			{Seq: 11, Head: 14},
			{Seq: 12, Head: 14},
			{Seq: 14, Begin: 13, Head: 14},
		} {
			p, err := tr.Place(ctx, want.Seq)
			if err != nil {
				t.Fatalf("Place(%d): %v", want.Seq, err)
			}
			if diff := cmp.Diff(want, seqsOf(p)); diff != "" {
				t.Errorf("Place(%d) (-want +got):\n%s", want.Seq, diff)
			}
			if p.Entry.Hash == "" || p.Entry.PrevHash == "" {
				t.Errorf("Place(%d): hash %q, prev_hash %q", want.Seq, p.Entry.Hash, p.Entry.PrevHash)
			}
		}
		p, err := tr.Place(ctx, 14)
		if err != nil {
			t.Fatal(err)
		}
		if p.Entry.Event != EventRefreshFailed || p.Begin.Event != EventRefresh || p.Entry.ErrorReason != "invalid_grant" {
			t.Errorf("Place(14) reads %s %q after %s; want refresh_failed invalid_grant after refresh",
				p.Entry.Event, p.Entry.ErrorReason, p.Begin.Event)
		}
		for _, seq := range []int64{0, 15, -1} {
			if _, err := tr.Place(ctx, seq); !errors.Is(err, ErrNoEntry) {
				t.Errorf("Place(%d) = %v, want ErrNoEntry", seq, err)
			}
		}
	})
}

// TestPendingSince checks that a request without a recorded outcome reads
// as pending when it began at or after Filter.PendingSince and as unknown
// before it or without it, in what a query shows and in what the outcome
// filter selects; raw entries stay as stored.
func TestPendingSince(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		t.Parallel()
		tr := queryFixture(t, db)
		p, err := tr.Place(ctx, 11)
		if err != nil {
			t.Fatal(err)
		}
		began := p.Entry.Time
		for _, tc := range []struct {
			name string
			f    Filter
			want Outcome
		}{
			{"no PendingSince", Filter{}, OutcomeUnknown},
			{"begun at PendingSince", Filter{PendingSince: began}, OutcomePending},
			{"begun before PendingSince", Filter{PendingSince: began.Add(time.Microsecond)}, OutcomeUnknown},
		} {
			page, err := tr.Query(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var got Outcome
			for _, e := range page.Entries {
				if e.Seq == 11 {
					got = e.Outcome
				}
			}
			if got != tc.want {
				t.Errorf("%s: entry 11 reads %q, want %q", tc.name, got, tc.want)
			}
			for _, o := range []Outcome{OutcomePending, OutcomeUnknown} {
				f := tc.f
				f.Outcome = o
				page, err := tr.Query(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				want := []int64{}
				if o == tc.want {
					want = []int64{11}
				}
				if diff := cmp.Diff(want, seqs(page.Entries)); diff != "" {
					t.Errorf("%s, outcome %s (-want +got):\n%s", tc.name, o, diff)
				}
			}
		}
		raw, err := tr.Query(ctx, Filter{Raw: true, Outcome: OutcomePending, PendingSince: began.Add(time.Microsecond)})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]int64{1, 3, 5, 7, 9, 11, 13}, seqs(raw.Entries)); diff != "" {
			t.Errorf("raw pending entries (-want +got):\n%s", diff)
		}
	})
}

// TestPlaceUsesKeys checks that SQLite reads an entry's place by keys and
// indexes: the entry and its begin entry by seq (the primary key), its outcome entry through
// the index of outcome entries, its checkpoint by seq.
func TestPlaceUsesKeys(t *testing.T) {
	db := sqldbtest.SQLite(t)
	for q, want := range map[string]string{
		"SELECT " + storedColumns + " FROM audit_entries WHERE seq = ?":                               "(seq=?)",
		"SELECT " + storedColumns + " FROM audit_entries WHERE ref_seq = ? AND ref_seq > 0":           "audit_entries_ref",
		"SELECT " + checkpointColumns + " FROM audit_checkpoints WHERE seq >= ? ORDER BY seq LIMIT 1": "seq>?",
	} {
		text := sqlitePlan(t, db, q, 1)
		if !strings.Contains(text, want) || strings.Contains(text, "TEMP B-TREE") {
			t.Errorf("%s\nis read by:\n%s\nwant %s", q, text, want)
		}
	}
}

// BenchmarkReviewerPages reads what the reviewer's audit log reads for one
// page, on a trail of 200,000 entries (100,000 requests, each two entries):
// the newest 50 requests, with each filter the page offers (a value that
// matches every request, and one that matches none, which reads the most),
// and one entry's place. Run with (PostgreSQL needs TEST_POSTGRES_URL):
//
//	go test -run '^$' -bench ReviewerPages -benchtime 20x ./scopes/audit
func BenchmarkReviewerPages(b *testing.B) {
	const n = 200_000
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, bk := range backends {
		b.Run(bk.name, func(b *testing.B) {
			db := bk.open(b)
			bulkInsert(b, db, t0, n)
			if bk.name == "postgres" {
				// As autovacuum leaves a trail at rest: the visibility map
				// set, so that the index-only scans read no rows.
				if _, err := db.Exec(context.Background(), "VACUUM ANALYZE audit_entries"); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := db.Exec(context.Background(), "INSERT INTO audit_chain (id, chain_id, head_seq, head_hash, created_at) VALUES (1, 'bench', ?, '', 0)", n); err != nil {
				b.Fatal(err)
			}
			tr := New(db, Options{})
			page := Filter{Desc: true, Limit: 50, PendingSince: t0.Add(29 * 24 * time.Hour)}
			for _, tc := range []struct {
				name string
				edit func(*Filter)
			}{
				{"newest", func(*Filter) {}},
				{"outcome=ok", func(f *Filter) { f.Outcome = OutcomeOK }},
				{"outcome=unknown", func(f *Filter) { f.Outcome = OutcomeUnknown }},
				{"method=drive.files.list", func(f *Filter) { f.Method = "drive.files.list" }},
				{"method=calendar.events.get", func(f *Filter) { f.Method = "calendar.events.get" }},
				{"event=deny", func(f *Filter) { f.Event = EventDeny }},
				{"purpose=meetings", func(f *Filter) { f.Purpose = "meetings" }},
				{"user", func(f *Filter) { f.UserID = "u0042" }},
				{"older page", func(f *Filter) { f.Cursor = "100001" }},
			} {
				f := page
				tc.edit(&f)
				b.Run(tc.name, func(b *testing.B) {
					for b.Loop() {
						if _, err := tr.Query(context.Background(), f); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
			b.Run("place", func(b *testing.B) {
				for b.Loop() {
					if _, err := tr.Place(context.Background(), n/2+1); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// TestRequestFilters checks each event and outcome filter, alone and
// together, which read through the first entries, the outcome entries or
// both, against the requests joined here from the stored entries, newest
// first and oldest first, a page of two at a time forwards and back.
func TestRequestFilters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		t.Parallel()
		tr := queryFixture(t, db)
		// A request that fails, a refresh that succeeds, a refusal.
		b, err := tr.Begin(ctx, sample(20))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tr.Complete(ctx, b, Result{Outcome: OutcomeError, HTTPStatus: 503, ErrorReason: "backendError"}); err != nil {
			t.Fatal(err)
		}
		if b, err = tr.Begin(ctx, Entry{ActorID: "u1", Event: EventRefresh}); err != nil {
			t.Fatal(err)
		}
		if _, err := tr.Complete(ctx, b, Result{Outcome: OutcomeOK}); err != nil {
			t.Fatal(err)
		}
		if _, err := tr.Append(ctx, Entry{ActorID: "u3", Event: EventRefreshFailed, Outcome: OutcomeError}); err != nil {
			t.Fatal(err)
		}
		raw, err := tr.Query(ctx, Filter{Raw: true, Limit: MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		outcomes := map[int64]Entry{}
		for _, e := range raw.Entries {
			if e.RefSeq > 0 {
				outcomes[e.RefSeq] = e
			}
		}
		since := raw.Entries[10].Time // entry 11, left in flight, reads as pending
		want := func(event Event, outcome Outcome) []int64 {
			got := []int64{}
			for _, e := range raw.Entries {
				if e.RefSeq > 0 {
					continue
				}
				ev, oc := e.Event, e.Outcome
				if r, ok := outcomes[e.Seq]; ok {
					ev, oc = r.Event, r.Outcome
				} else if oc == OutcomePending && e.Time.Before(since) {
					oc = OutcomeUnknown
				}
				if (event == "" || ev == event) && (outcome == "" || oc == outcome) {
					got = append(got, e.Seq)
				}
			}
			return got
		}
		events := []Event{"", EventActivity, EventRefresh, EventRefreshFailed, EventDeny}
		for _, event := range events {
			for _, outcome := range append([]Outcome{""}, Outcomes...) {
				f := Filter{Event: event, Outcome: outcome, PendingSince: since, Limit: 2}
				all := want(event, outcome)
				for _, desc := range []bool{false, true} {
					f.Desc = desc
					wantOrder := slices.Clone(all)
					if desc {
						slices.Reverse(wantOrder)
					}
					var got []int64
					var p Page
					for g := f; ; g.Cursor = p.Next {
						if p, err = tr.Query(ctx, g); err != nil {
							t.Fatalf("%+v: %v", g, err)
						}
						got = append(got, seqs(p.Entries)...)
						if p.Next == "" {
							break
						}
					}
					var back []int64
					for g := f; p.Prev != ""; {
						back = append(seqs(p.Entries), back...)
						g.Prev = p.Prev
						if p, err = tr.Query(ctx, g); err != nil {
							t.Fatalf("%+v: %v", g, err)
						}
					}
					back = append(seqs(p.Entries), back...)
					if diff := cmp.Diff(wantOrder, got, cmpopts.EquateEmpty()); diff != "" {
						t.Errorf("event %q, outcome %q, desc %v (-want +got):\n%s", event, outcome, desc, diff)
					}
					if diff := cmp.Diff(wantOrder, back, cmpopts.EquateEmpty()); diff != "" {
						t.Errorf("event %q, outcome %q, desc %v, back (-want +got):\n%s", event, outcome, desc, diff)
					}
				}
			}
		}
	})
}

// TestRequestFiltersUseIndexes checks that SQLite reads a page of requests
// filtered by method, purpose, event or outcome through the indexes of
// migration 00024, in seq order, rather than reading the trail until the
// page is full: no step scans the trail or sorts more than the page.
func TestRequestFiltersUseIndexes(t *testing.T) {
	db := sqldbtest.SQLite(t)
	for _, tc := range []struct {
		f    Filter
		want []string
	}{
		{Filter{Method: "drive.files.list"}, []string{"audit_entries_method_seq"}},
		{Filter{Purpose: "meetings"}, []string{"audit_entries_purpose_seq"}},
		{Filter{Event: EventRefreshFailed}, []string{"audit_entries_event_seq", "audit_entries_event_ref"}},
		{Filter{Outcome: OutcomeError}, []string{"audit_entries_outcome_seq", "audit_entries_outcome_ref"}},
		{Filter{Outcome: OutcomeUnknown}, []string{"COVERING INDEX audit_entries_outcome_seq", "COVERING INDEX audit_entries_ref"}},
		{Filter{Outcome: OutcomeDenied, Event: EventDeny}, nil}, // either pair of indexes
	} {
		q, args := buildQuery(tc.f, window{desc: true, bounded: true, past: 1000}, 51)
		text := sqlitePlan(t, db, q, args...)
		for _, index := range tc.want {
			if !strings.Contains(text, index) {
				t.Errorf("filter %+v: the plan does not use %s:\n%s", tc.f, index, text)
			}
		}
		for _, line := range strings.Split(text, "\n") {
			if strings.HasPrefix(line, "SCAN b") || strings.HasPrefix(line, "SCAN r") {
				t.Errorf("filter %+v: the plan scans the trail:\n%s", tc.f, text)
			}
		}
	}
}
