package audit

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// BenchmarkStatus reads the chain page's status of trails of 10,000,
// 100,000 and 1,000,000 entries, signed by a checkpoint and followed by 5
// entries appended since (PostgreSQL needs TEST_POSTGRES_URL):
//
//	go test -run '^$' -bench Status -benchtime 200x ./scopes/audit
//
// Its µs/status stays flat as the trail grows: Status reads the head, the
// latest checkpoint and the entries after it, not the trail.
func BenchmarkStatus(b *testing.B) {
	for _, bk := range backends {
		for _, n := range []int{10_000, 100_000, 1_000_000} {
			b.Run(fmt.Sprintf("%s/entries=%d", bk.name, n), func(b *testing.B) {
				db := bk.open(b)
				seedChain(b, db, n)
				tr := New(db, Options{Signer: testKey(), CheckpointEvery: -1})
				ctx := context.Background()
				var chainID, hash string
				if err := db.QueryRow(ctx, "SELECT chain_id, head_hash FROM audit_chain WHERE id = 1").Scan(&chainID, &hash); err != nil {
					b.Fatal(err)
				}
				if _, err := db.Exec(ctx, "UPDATE audit_chain SET head_mac = ? WHERE id = 1", tr.headMAC(chainID, int64(n), hash)); err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				if _, err := tr.Checkpoint(ctx); err != nil {
					b.Fatal(err)
				}
				b.Logf("checkpointing %d entries took %v", n, time.Since(start))
				for i := range 5 {
					if _, err := tr.Append(ctx, sample(n+i)); err != nil {
						b.Fatal(err)
					}
				}
				for b.Loop() {
					st, err := tr.Status(ctx)
					if err != nil || st.Inconsistent != nil || st.HeadSeq != int64(n+5) || st.Checkpoint.Seq != int64(n) {
						b.Fatalf("Status = %+v, %v", st, err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/status")
			})
		}
	}
}
