package audit

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"os"
	"strings"
	"testing"
)

// TestLegacyTrailUpgrades loads a trail written before note checkpoints
// (testdata/audit/intact.sql: 12 entries, old checkpoints at 5 and 10, an
// unsealed head), appends to it with today's trail and verifies the whole:
// the old checkpoints by their old rule, the new ones as notes over the
// tree of every entry.
func TestLegacyTrailUpgrades(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			db := b.open(t)
			f, err := os.Open("../../testdata/audit/intact.sql")
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			sc := bufio.NewScanner(f)
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				if line := sc.Text(); strings.HasPrefix(line, "INSERT") {
					tamperSQL(t, db, strings.TrimSuffix(line, ";"))
				}
			}
			key := ed25519.NewKeyFromSeed([]byte("scopetrail-audit-fixture-seed-32"))
			pub := key.Public().(ed25519.PublicKey)
			tr := New(db, Options{Signer: key, CheckpointEvery: 5, Now: newClock().Now})
			rep, err := tr.Verify(ctx, pub)
			if err != nil || !rep.OK() || rep.VerifiedUpTo != 12 || rep.Checkpoint.Seq != 10 || rep.Checkpoint.Number != 0 {
				t.Fatalf("the old trail: %+v, %v", rep, err)
			}
			fill(t, tr, 8)
			rep, err = tr.Verify(ctx, pub)
			if err != nil || !rep.OK() || rep.VerifiedUpTo != 20 || rep.Checkpoint.Seq != 20 || rep.Checkpoint.Number != 2 {
				t.Errorf("after appending: %+v, %v; want checkpoint 2 at entry 20", rep, err)
			}
			if rep, err := New(db, Options{}).Verify(ctx, pub); err != nil || !rep.OK() {
				t.Errorf("verified with the public key alone: %+v, %v", rep, err)
			}
		})
	}
}
