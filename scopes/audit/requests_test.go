package audit

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
