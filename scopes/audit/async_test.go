package audit

import (
	"context"
	"errors"
	"testing"
)

// TestCompleteAsync: an outcome queued with CompleteAsync is what the
// trail's next read shows, and the chain it joins verifies.
func TestCompleteAsync(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			tr := newTrail(b.open(t))
			ctx := context.Background()
			for i := range 20 {
				begin, err := tr.Begin(ctx, sample(i))
				if err != nil {
					t.Fatal(err)
				}
				if err := tr.CompleteAsync(begin, Result{Outcome: OutcomeOK, HTTPStatus: 200, Items: int64(i)}); err != nil {
					t.Fatal(err)
				}
				p, err := tr.Query(ctx, Filter{Desc: true, Limit: 1})
				if err != nil {
					t.Fatal(err)
				}
				if len(p.Entries) != 1 || p.Entries[0].Outcome != OutcomeOK || p.Entries[0].Items != int64(i) {
					t.Fatalf("request %d reads %+v right after CompleteAsync, want outcome ok with %d items", i, p.Entries, i)
				}
			}
			if err := tr.Close(); err != nil {
				t.Fatal(err)
			}
			checkChain(t, tr, 40)
		})
	}
}

// TestCompleteAsyncRefuses: CompleteAsync refuses, at once, what Complete
// refuses.
func TestCompleteAsyncRefuses(t *testing.T) {
	t.Parallel()
	tr := newTrail(backends[0].open(t))
	ok, err := tr.Append(context.Background(), sample(0))
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.CompleteAsync(ok, Result{Outcome: OutcomeOK}); !errors.Is(err, ErrNotPending) {
		t.Errorf("CompleteAsync of a finished entry = %v, want ErrNotPending", err)
	}
	begin, err := tr.Begin(context.Background(), sample(1))
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.CompleteAsync(begin, Result{Outcome: OutcomeUnknown}); !errors.Is(err, ErrInvalidEntry) {
		t.Errorf("CompleteAsync with outcome unknown = %v, want ErrInvalidEntry", err)
	}
}

// TestCloseWritesQueuedOutcomes: closing the database writes the outcomes
// still queued first, so that a clean shutdown loses none.
func TestCloseWritesQueuedOutcomes(t *testing.T) {
	t.Parallel()
	for _, b := range databaseURLs {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			url := b.url(t)
			db := openURL(t, url)
			tr := newTrail(db)
			ctx := context.Background()
			const n = 50
			begun := make([]Entry, n)
			for i := range begun {
				var err error
				if begun[i], err = tr.Begin(ctx, sample(i)); err != nil {
					t.Fatal(err)
				}
			}
			for _, e := range begun {
				if err := tr.CompleteAsync(e, Result{Outcome: OutcomeOK, HTTPStatus: 200}); err != nil {
					t.Fatal(err)
				}
			}
			if err := db.Close(); err != nil {
				t.Fatalf("closing the database: %v", err)
			}
			again := newTrail(openURL(t, url))
			var unknown int
			for e, err := range again.Entries(ctx, Filter{}) {
				if err != nil {
					t.Fatal(err)
				}
				if e.Outcome != OutcomeOK {
					unknown++
				}
			}
			if unknown > 0 {
				t.Errorf("%d of %d requests lost their outcome when the database closed", unknown, n)
			}
			checkChain(t, again, 2*n)
		})
	}
}

// TestCloseReportsLostOutcomes: an outcome that could not be written is
// not lost silently: Close says so, and its request reads as unknown.
func TestCloseReportsLostOutcomes(t *testing.T) {
	t.Parallel()
	db := backends[0].open(t)
	tr := newTrail(db)
	begin, err := tr.Begin(context.Background(), sample(0))
	if err != nil {
		t.Fatal(err)
	}
	tamperSQL(t, db, "UPDATE audit_chain SET head_hash = 'forged'")
	if err := tr.CompleteAsync(begin, Result{Outcome: OutcomeOK}); err != nil {
		t.Fatal(err)
	}
	if err := tr.Close(); !errors.Is(err, ErrInconsistent) {
		t.Errorf("Close after an outcome could not be written = %v, want ErrInconsistent", err)
	}
	p, err := tr.Query(context.Background(), Filter{})
	if err != nil || len(p.Entries) != 1 || p.Entries[0].Outcome != OutcomeUnknown {
		t.Errorf("the request reads %+v, %v; want outcome unknown", p.Entries, err)
	}
}
