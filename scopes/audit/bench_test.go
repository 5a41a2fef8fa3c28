package audit

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// Benchmarks, run with (PostgreSQL ones need TEST_POSTGRES_URL):
//
//	go test -run '^$' -bench . -benchtime 2000x ./scopes/audit
//
// They report appends/s, entries/s and the latency of one page of a user's
// entries in a week, out of 1,000,000.

// BenchmarkAppend's witnessed runs also sign a checkpoint every 100 ms, as
// RunCheckpoints does every minute in production, and write it to a
// witness file, so that their appends/s against the plain runs' is what
// timed checkpoints and witnessing cost.
func BenchmarkAppend(b *testing.B) {
	for _, bk := range backends {
		for _, writers := range []int{1, 8} {
			for _, witnessed := range []bool{false, true} {
				name := fmt.Sprintf("%s/writers=%d", bk.name, writers)
				if witnessed {
					name += "/witnessed"
				}
				b.Run(name, func(b *testing.B) {
					o := Options{Replica: "bench", Signer: testKey()}
					if witnessed {
						w, err := NewFileWitness(filepath.Join(b.TempDir(), "witness.jsonl"))
						if err != nil {
							b.Fatal(err)
						}
						b.Cleanup(func() { w.Close() })
						o.CheckpointInterval, o.Witnesses = 100*time.Millisecond, []Witness{w}
					}
					tr := New(bk.open(b), o)
					ctx, stop := context.WithCancel(context.Background())
					done := make(chan struct{})
					go func() {
						defer close(done)
						if witnessed {
							tr.RunCheckpoints(ctx)
						}
					}()
					b.ResetTimer()
					cpu := cpuTime()
					benchWriters(b, tr, writers)
					b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appends/s")
					b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(b.N), "cpu-µs/append")
					b.StopTimer()
					stop()
					<-done
				})
			}
		}
	}
}

// BenchmarkAppendScale is BenchmarkAppend's 8 writers on trails that already
// hold 1,000, 10,000 and 100,000 entries, checkpointed, so that how the
// cost of an append grows with the trail can be read off entries/s:
//
//	go test -run '^$' -bench AppendScale -benchtime 2000x ./scopes/audit
func BenchmarkAppendScale(b *testing.B) {
	for _, bk := range backends {
		for _, size := range []int{1_000, 10_000, 100_000} {
			b.Run(fmt.Sprintf("%s/entries=%d", bk.name, size), func(b *testing.B) {
				tr := New(bk.open(b), Options{Replica: "bench", Signer: testKey()})
				ctx := context.Background()
				for i := 0; i < size; i += maxBatch {
					batch := make([]*pending, min(maxBatch, size-i))
					for j := range batch {
						batch[j] = &pending{in: sample(i + j)}
						batch[j].in.Outcome = OutcomeOK
					}
					if err := tr.write(ctx, batch); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := tr.Checkpoint(ctx); err != nil {
					b.Fatal(err)
				}
				b.ResetTimer()
				cpu := cpuTime()
				benchWriters(b, tr, 8)
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "entries/s")
				b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(b.N), "cpu-µs/append")
			})
		}
	}
}

// cpuTime is the CPU time this process has used, user and system: on a
// machine shared with other work it says what an append costs better than
// the time it takes.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchWriters appends b.N entries from n goroutines: exactly n writers,
// where b.RunParallel would start a multiple of GOMAXPROCS.
func benchWriters(b *testing.B, tr *Trail, n int) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range n {
		wg.Go(func() {
			for i := range next {
				if _, err := tr.Append(context.Background(), sample(i)); err != nil {
					b.Error(err)
				}
			}
		})
	}
	for i := 0; i < b.N; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

func BenchmarkVerify(b *testing.B) {
	const n = 50_000
	for _, bk := range backends {
		b.Run(bk.name, func(b *testing.B) {
			tr := New(bk.open(b), Options{Signer: testKey(), Now: newClock().Now})
			for i := 0; i < n; i += maxBatch {
				batch := make([]*pending, min(maxBatch, n-i))
				for j := range batch {
					batch[j] = &pending{in: sample(i + j)}
					batch[j].in.Outcome = OutcomeOK
				}
				if err := tr.write(context.Background(), batch); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for b.Loop() {
				rep, err := tr.Verify(context.Background(), tr.PublicKey())
				if err != nil || !rep.OK() || rep.Entries != n {
					b.Fatalf("Verify = %+v, %v", rep, err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
		})
	}
}

// queryEntries is the size of the trail BenchmarkQueryUserTimeRange reads.
const queryEntries = 1_000_000

func BenchmarkQueryUserTimeRange(b *testing.B) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, bk := range backends {
		b.Run(bk.name, func(b *testing.B) {
			db := bk.open(b)
			bulkInsert(b, db, t0, queryEntries)
			tr := New(db, Options{})
			f := Filter{UserID: "u0042", Since: t0.Add(10 * 24 * time.Hour), Until: t0.Add(17 * 24 * time.Hour), Desc: true}
			b.ResetTimer()
			for b.Loop() {
				p, err := tr.Query(context.Background(), f)
				if err != nil || len(p.Entries) == 0 {
					b.Fatalf("Query = %d entries, %v", len(p.Entries), err)
				}
			}
		})
	}
}

// bulkInsert writes n entries, 30 days' worth from t0 for 1,000 users, with
// multi-row inserts: fast, but not a valid chain. Even entries are requests,
// odd ones their outcomes.
func bulkInsert(b *testing.B, db *sqldb.DB, t0 time.Time, n int) {
	const rows = 200
	ctx := context.Background()
	step := (30 * 24 * time.Hour).Microseconds() / int64(n)
	values := strings.TrimSuffix(strings.Repeat("(?, ?, 1, 'bench', ?, ?, '', 'c', 'activity', 'drive', 'drive.files.list', 's', 'recordings', '', ?, '', ?, 0, 0, 0, '', 'bench', ?, '', ''),", rows), ",")
	stmt := `INSERT INTO audit_entries (seq, id, version, chain_id, time_us, actor_id, actor_email, client_id, event,
		api_name, method_name, scope, purpose, resource, http_status, error_reason, outcome, num_response_bytes, items,
		latency_us, request_id, replica, ref_seq, prev_hash, hash) VALUES ` + values
	for start := 0; start < n; start += 50_000 {
		err := db.InTx(ctx, func(tx *sqldb.Tx) error {
			for s := start; s < start+50_000 && s < n; s += rows {
				args := make([]any, 0, rows*7)
				for i := s; i < s+rows; i++ {
					seq := int64(i + 1)
					user, status, outcome, ref := (i/2*7919)%1000, 0, "pending", int64(0)
					if i%2 == 1 {
						status, outcome, ref = 200, "ok", seq-1
					}
					args = append(args, seq, fmt.Sprintf("id%d", seq), t0.UnixMicro()+int64(i)*step, fmt.Sprintf("u%04d", user), status, outcome, ref)
				}
				if _, err := tx.Exec(ctx, stmt, args...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatalf("bulk insert: %v", err)
		}
	}
	if _, err := db.Exec(ctx, "ANALYZE audit_entries"); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkCheckpoint measures a count checkpoint: hashing 1,000 new
// entries into the stored tree, signing and storing the note. Divided by
// 1,000 it is what checkpoints add to each append.
func BenchmarkCheckpoint(b *testing.B) {
	for _, bk := range backends {
		b.Run(bk.name, func(b *testing.B) {
			tr := New(bk.open(b), Options{Signer: testKey(), CheckpointEvery: -1})
			ctx := context.Background()
			var size int64
			for b.Loop() {
				b.StopTimer()
				for i := 0; i < 1000; i += 250 {
					batch := make([]*pending, 250)
					for j := range batch {
						batch[j] = &pending{in: sample(i + j)}
					}
					if err := tr.write(ctx, batch); err != nil {
						b.Fatal(err)
					}
				}
				size += 1000
				b.StartTimer()
				if _, made, err := tr.checkpointAt(ctx, size); err != nil || !made {
					b.Fatalf("checkpointAt(%d) = %v, %v", size, made, err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "µs/entry")
		})
	}
}
