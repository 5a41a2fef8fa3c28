package audit

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestForgedRowPastHead puts a row past the head, as issue 10's intruder
// did: every later append fails with an *InconsistentError naming it, not
// with a constraint violation, Status says so, and nothing is written.
func TestForgedRowPastHead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			db := b.open(t)
			tr := newTrail(db)
			fill(t, tr, 12)
			if st, err := tr.Status(ctx); err != nil || st.Inconsistent != nil || st.HeadSeq != 12 || st.Checkpoint == nil || st.Checkpoint.Seq != 10 {
				t.Fatalf("Status before: %+v, %v", st, err)
			}
			forged := storedAt(t, db, 12)
			forged.Seq, forged.ID, forged.Hash = 13, "forged", "bogus"
			put(t, db, forged)
			for range 2 {
				_, err := tr.Append(ctx, sample(1))
				var ie *InconsistentError
				if !errors.As(err, &ie) || !errors.Is(err, ErrInconsistent) || ie.Seq != 13 {
					t.Fatalf("Append: %v; want an InconsistentError at entry 13", err)
				}
				if msg := err.Error(); !strings.Contains(msg, "audit trail inconsistent at entry 13: ") || !strings.Contains(msg, "scopetrail audit verify") {
					t.Errorf("the error does not say where and how to investigate: %s", msg)
				}
			}
			st, err := tr.Status(ctx)
			if err != nil || st.Inconsistent == nil || st.Inconsistent.Seq != 13 || st.HeadSeq != 12 {
				t.Errorf("Status: %+v, %v; want inconsistent at 13", st, err)
			}
			var n int
			if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM audit_entries").Scan(&n); err != nil || n != 13 {
				t.Errorf("%d rows after the refused appends (%v), want 13", n, err)
			}
		})
	}
}

// TestHeadMovedBehindTheAppender moves the head as someone without the
// signing key would, after appending a forged, correctly hashed entry: the
// appender refuses, and Status says so; a trail without the key cannot tell.
func TestHeadMovedBehindTheAppender(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := backends[0].open(t)
	tr := newTrail(db)
	fill(t, tr, 12)
	f := &tamperFixture{db: db}
	last := storedAt(t, db, 12)
	r := last
	r.Seq, r.ID, r.PrevHash = 13, "forged", last.Hash
	rehash(t, &r)
	put(t, db, r)
	f.sql(t, "UPDATE audit_chain SET head_seq = 13, head_hash = '"+r.Hash+"'")
	_, err := tr.Append(ctx, sample(1))
	var ie *InconsistentError
	if !errors.As(err, &ie) || ie.Seq != 13 {
		t.Fatalf("Append: %v; want an InconsistentError at entry 13", err)
	}
	if st, err := tr.Status(ctx); err != nil || st.Inconsistent == nil {
		t.Errorf("Status: %+v, %v; want inconsistent", st, err)
	}
	if st, err := New(db, Options{}).Status(ctx); err != nil || st.Inconsistent != nil {
		t.Errorf("Status without the key: %+v, %v; want consistent, as it cannot check the seal", st, err)
	}
}
