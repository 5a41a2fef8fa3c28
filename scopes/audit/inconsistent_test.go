package audit

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
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
	forgeTail(t, db, 12)
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

// TestCheckpointRefusesAForgedTail forges a correctly hashed entry past the
// head and moves the head, as someone without the signing key would: the
// next checkpoint refuses to sign it, so that the forgery cannot become
// part of a signed, witnessed tree.
func TestCheckpointRefusesAForgedTail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			db := b.open(t)
			tr := newTrail(db)
			fill(t, tr, 12)
			forgeTail(t, db, 12)
			if _, err := tr.Checkpoint(ctx); !errors.Is(err, ErrInconsistent) {
				t.Errorf("Checkpoint over a forged tail: %v, want ErrInconsistent", err)
			}
			var n int
			if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM audit_checkpoints WHERE seq > 10").Scan(&n); err != nil || n != 0 {
				t.Errorf("%d checkpoints past entry 10 (%v), want none", n, err)
			}
		})
	}
}

// TestCheckpointIgnoresPlantedTreeHashes plants bogus tree hashes where
// the next checkpoint will store its own, and edits one the last
// checkpoint stored: the checkpoint refuses a tree that disagrees with the
// signed one, and, once the edit is undone, overwrites the planted rows, so
// that what it signs is the tree of the entries and the trail verifies.
func TestCheckpointIgnoresPlantedTreeHashes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			db := b.open(t)
			tr := newTrail(db)
			fill(t, tr, 12)
			bogus := strings.Repeat("A", 43) + "="
			var frontier string
			if err := db.QueryRow(ctx, "SELECT hash FROM audit_tree ORDER BY idx DESC LIMIT 1").Scan(&frontier); err != nil {
				t.Fatal(err)
			}
			tamperSQL(t, db, "UPDATE audit_tree SET hash = '"+bogus+"' WHERE idx = (SELECT MAX(idx) FROM audit_tree)")
			if _, err := tr.Checkpoint(ctx); !errors.Is(err, ErrInconsistent) {
				t.Errorf("Checkpoint over an edited stored tree: %v, want ErrInconsistent", err)
			}
			tamperSQL(t, db, "UPDATE audit_tree SET hash = '"+frontier+"' WHERE hash = '"+bogus+"'")
			for i := int64(0); i < 200; i++ {
				tamperSQL(t, db, fmt.Sprintf("INSERT INTO audit_tree (idx, hash) VALUES (%d, '%s') ON CONFLICT (idx) DO NOTHING", i, bogus))
			}
			if _, err := tr.Checkpoint(ctx); err != nil {
				t.Fatalf("Checkpoint: %v", err)
			}
			rep, err := tr.Verify(ctx, tr.PublicKey())
			if err != nil || !rep.OK() {
				t.Errorf("Verify after the checkpoint: %+v, %v; want intact", rep.FirstBad, err)
			}
		})
	}
}

// forgeTail appends a correctly hashed, forged entry after entry head and
// moves the chain head to it, as someone who can write the database but
// does not hold the signing key, and so cannot seal the head, would.
func forgeTail(t *testing.T, db *sqldb.DB, head int64) {
	t.Helper()
	last := storedAt(t, db, head)
	r := last
	r.Seq, r.ID, r.PrevHash = head+1, "forged", last.Hash
	rehash(t, &r)
	put(t, db, r)
	tamperSQL(t, db, fmt.Sprintf("UPDATE audit_chain SET head_seq = %d, head_hash = '%s'", r.Seq, r.Hash))
}

// TestNoFalseAlarmUnderLoad checks the status and checkpoints while four
// writers append: an append that commits between reading the head and
// looking past it is no row past the head, so nothing is reported
// inconsistent and every checkpoint is made.
func TestNoFalseAlarmUnderLoad(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			tr := New(b.open(t), Options{Signer: testKey(), CheckpointEvery: -1})
			done := make(chan struct{})
			var wg sync.WaitGroup
			for w := range 4 {
				wg.Go(func() {
					for i := range 150 {
						if _, err := tr.Append(ctx, sample(w*1000+i)); err != nil {
							t.Error(err)
							return
						}
					}
				})
			}
			go func() { wg.Wait(); close(done) }()
			checks := 0
		loop:
			for ; ; checks++ {
				select {
				case <-done:
					break loop
				default:
				}
				st, err := tr.Status(ctx)
				if err != nil || st.Inconsistent != nil {
					t.Errorf("Status under load: %v, %v", st.Inconsistent, err)
					break
				}
				if _, err := tr.Checkpoint(ctx); err != nil && !errors.Is(err, ErrEmpty) {
					t.Errorf("Checkpoint under load: %v", err)
					break
				}
				if rep, err := tr.Verify(ctx, tr.PublicKey()); err != nil || rep.FirstBad != nil {
					t.Errorf("Verify under load: %+v, %v", rep.FirstBad, err)
					break
				}
			}
			<-done
			if checks == 0 {
				t.Error("the writers finished before any check")
			}
		})
	}
}
