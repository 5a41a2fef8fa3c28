package auditcli

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// BenchmarkAuditCommands runs `audit verify` and `audit export` end to end
// on SQLite trails of two sizes, reporting entries/s and the peak heap,
// which stays flat as the trail grows:
//
//	go test -run '^$' -bench AuditCommands -benchtime 3x ./scopes/audit/auditcli
func BenchmarkAuditCommands(b *testing.B) {
	for _, n := range []int{20_000, 100_000} {
		url := sqliteURL(b)
		appendMany(b, sqldbtest.Migrated(b, url), n)
		for _, args := range [][]string{{"verify"}, {"export", "--format", "csv"}, {"export", "--format", "jsonl"}} {
			name := args[0] + strings.TrimPrefix(strings.Join(args[1:], ""), "--format")
			b.Run(fmt.Sprintf("%s/entries=%d", name, n), func(b *testing.B) {
				stop := sampleHeap()
				for b.Loop() {
					if err := Run(context.Background(), args, io.Discard, io.Discard, opener(url)); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
				b.ReportMetric(stop()/1e6, "peak-heap-MB")
			})
		}
	}
}

// appendMany appends n entries to db's trail from 64 writers, so that they
// share transactions.
func appendMany(b *testing.B, db *sqldb.DB, n int) {
	b.Helper()
	trail := audit.New(db, audit.Options{Replica: "bench", Signer: ed25519.NewKeyFromSeed(fixtureSeed)})
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			for i := next.Add(1); i <= int64(n); i = next.Add(1) {
				e := audit.Entry{ActorID: fmt.Sprintf("u%03d", i%100), ActorEmail: "user@example.com", ClientID: "client-1",
					Event: audit.EventActivity, APIName: "drive", MethodName: "drive.files.get", Scope: scopes.DriveReadonly,
					Purpose: string(scopes.PurposeRecordings), Resource: fmt.Sprintf("fileId=f%d", i), HTTPStatus: 200}
				if _, err := trail.Append(context.Background(), e); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// sampleHeap samples the heap in use every millisecond until the returned
// function is called, which returns the peak in bytes.
func sampleHeap() func() float64 {
	runtime.GC()
	done := make(chan struct{})
	peak := make(chan uint64)
	go func() {
		var max uint64
		var ms runtime.MemStats
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > max {
				max = ms.HeapInuse
			}
			select {
			case <-done:
				peak <- max
				return
			case <-tick.C:
			}
		}
	}()
	return func() float64 {
		close(done)
		return float64(<-peak)
	}
}
