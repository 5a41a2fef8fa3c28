package audit

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// BenchmarkVerifyScale verifies trails of 1,000, 100,000 and 1,000,000
// entries on both databases (PostgreSQL needs TEST_POSTGRES_URL):
//
//	go test -run '^$' -bench VerifyScale -benchtime 2x ./scopes/audit
//
// Beside entries/s and the peak heap growth it reports, measured in the
// same run, the two limits of the job: reading the same rows with one
// query on one core (scan-entries/s), and SHA-256 over the same bytes on
// one core (sha256-entries/s); of-limit is entries/s over the lower.
func BenchmarkVerifyScale(b *testing.B) {
	for _, bk := range backends {
		for _, n := range []int{1_000, 100_000, 1_000_000} {
			b.Run(fmt.Sprintf("%s/entries=%d", bk.name, n), func(b *testing.B) {
				db := bk.open(b)
				seedChain(b, db, n)
				tr := New(db, Options{})
				pub := testKey().Public().(ed25519.PublicKey)
				ctx := context.Background()
				stop := sampleHeapGrowth()
				for b.Loop() {
					rep, err := tr.Verify(ctx, pub)
					if err != nil || !rep.OK() || rep.Entries != int64(n) {
						b.Fatalf("Verify = %+v, %v", rep, err)
					}
				}
				rate := float64(n) * float64(b.N) / b.Elapsed().Seconds()
				b.ReportMetric(rate, "entries/s")
				b.ReportMetric(stop()/(1<<20), "peak-heap-growth-MiB")
				b.StopTimer()
				scan := scanRate(b, db)
				hash := sha256Rate(b, db)
				b.ReportMetric(scan, "scan-entries/s")
				b.ReportMetric(hash, "sha256-entries/s")
				b.ReportMetric(rate/min(scan, hash), "of-limit")
			})
		}
	}
}

// seedChain writes a valid chain of n entries to db, fast: the first by
// Append, which creates the chain, the rest hashed by entryHash and
// inserted many rows per statement, and the head moved to the last.
// Verify checks the result, so the benchmark proves it valid.
func seedChain(b testing.TB, db *sqldb.DB, n int) {
	b.Helper()
	ctx := context.Background()
	tr := New(db, Options{Replica: "bench"})
	first := sample(0)
	first.Time = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	e, err := tr.Append(ctx, first)
	if err != nil {
		b.Fatal(err)
	}
	var chainID string
	if err := db.QueryRow(ctx, "SELECT chain_id FROM audit_chain WHERE id = 1").Scan(&chainID); err != nil {
		b.Fatal(err)
	}
	const perInsert = 1000
	prev := e.Hash
	stmt := "INSERT INTO audit_entries (" + storedColumns + ") VALUES " +
		strings.TrimSuffix(strings.Repeat(entryValues+", ", perInsert), ", ")
	for start := 2; start <= n; start += 50 * perInsert {
		err := db.InTx(ctx, func(tx *sqldb.Tx) error {
			for s := start; s < start+50*perInsert && s <= n; s += perInsert {
				args := make([]any, 0, 30*perInsert)
				k := 0
				for seq := s; seq < s+perInsert && seq <= n; seq++ {
					e := sample(seq)
					e.Seq, e.ID, e.Time, e.Outcome, e.Replica, e.PrevHash = int64(seq), fmt.Sprintf("%032x", seq),
						first.Time.Add(time.Duration(seq)*time.Millisecond), OutcomeOK, "bench", prev
					if e.Hash, err = entryHash(formatV1, chainID, &e); err != nil {
						return err
					}
					prev = e.Hash
					args = append(args, e.Seq, e.ID, formatV1, chainID, e.Time.UnixMicro(), e.ActorID, e.ActorEmail, e.ClientID,
						string(e.Event), e.APIName, e.MethodName, e.Scope, e.Purpose, e.Resource, e.HTTPStatus, e.ErrorReason,
						string(e.Outcome), e.NumResponseBytes, e.Items, e.Latency.Microseconds(), e.RequestID, e.Replica, e.RefSeq,
						e.PrevHash, e.Hash, e.Host, e.BytesSent, e.AudioDuration.Microseconds(), e.SubjectID, e.SubjectEmail)
					k++
				}
				q := stmt
				if k < perInsert {
					q = "INSERT INTO audit_entries (" + storedColumns + ") VALUES " + strings.TrimSuffix(strings.Repeat(entryValues+", ", k), ", ")
				}
				if _, err := tx.Exec(ctx, q, args...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatalf("seeding entries from %d: %v", start, err)
		}
	}
	if _, err := db.Exec(ctx, "UPDATE audit_chain SET head_seq = ?, head_hash = ? WHERE id = 1", n, prev); err != nil {
		b.Fatal(err)
	}
}

// scanRate reads every entry of db with one query on one core, every
// column Verify reads into reused buffers, and returns the entries/s.
func scanRate(b *testing.B, db *sqldb.DB) float64 {
	b.Helper()
	vals := make([]sql.RawBytes, 30)
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	start := time.Now()
	rows, err := db.Query(context.Background(), "SELECT "+storedColumns+" FROM audit_entries ORDER BY seq")
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			b.Fatal(err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	return float64(n) / time.Since(start).Seconds()
}

// sha256Rate hashes, on one core, the encoding of the trail's first page
// of entries over and over for a fixed time and returns the entries/s.
func sha256Rate(b *testing.B, db *sqldb.DB) float64 {
	b.Helper()
	var p rawPage
	if err := p.load(context.Background(), db, 0); err != nil {
		b.Fatal(err)
	}
	start, n := time.Now(), 0
	for time.Since(start) < 200*time.Millisecond {
		for _, r := range p.rows {
			sha256.Sum256(r.slot)
		}
		n += len(p.rows)
	}
	return float64(n) / time.Since(start).Seconds()
}

// sampleHeapGrowth samples the heap in use every millisecond until the
// returned function is called, which returns the peak growth in bytes over
// the heap in use at the start.
func sampleHeapGrowth() func() float64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	done, peak := make(chan struct{}), make(chan uint64)
	go func() {
		var top uint64
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			top = max(top, ms.HeapInuse)
			select {
			case <-done:
				peak <- top
				return
			case <-tick.C:
			}
		}
	}()
	return func() float64 {
		close(done)
		return float64(<-peak) - float64(base)
	}
}
