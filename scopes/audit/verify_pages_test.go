package audit

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"testing"
)

// TestVerifyAcrossWindows: Verify reads a trail longer than a few of its
// windows (verifyPage seqs each, read by streamReaders readers in turn) in
// order, and names the first entry missing whether one entry of a later
// window is gone or a whole window is empty.
func TestVerifyAcrossWindows(t *testing.T) {
	t.Parallel()
	const n = 3*verifyPage + 100
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			pub := testKey().Public().(ed25519.PublicKey)
			db := b.open(t)
			seedChain(t, db, n)
			tr := New(db, Options{})
			ctx := context.Background()
			rep, err := tr.Verify(ctx, pub)
			if err != nil || !rep.OK() || rep.Entries != n {
				t.Fatalf("Verify of an intact trail = %+v, %v; want %d entries, no problem", rep, err, n)
			}
			for _, tt := range []struct {
				name   string
				delete string
				want   int64
			}{
				{"one entry of the third window", fmt.Sprintf("seq = %d", 2*verifyPage+7), 2*verifyPage + 7},
				{"the whole second window", fmt.Sprintf("seq > %d AND seq <= %d", verifyPage, 2*verifyPage), verifyPage + 1},
			} {
				tamperSQL(t, db, "DELETE FROM audit_entries WHERE "+tt.delete)
				rep, err := tr.Verify(ctx, pub)
				if err != nil {
					t.Fatalf("%s deleted: Verify: %v", tt.name, err)
				}
				if rep.FirstBad == nil || rep.FirstBad.Seq != tt.want || rep.FirstBad.Kind != KindDeleted {
					t.Errorf("%s deleted: first bad = %v, want entry %d deleted", tt.name, rep.FirstBad, tt.want)
				}
			}
		})
	}
}
