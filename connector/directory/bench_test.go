package directory_test

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/directory"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// BenchmarkDirectoryFullSync100k runs a full sync of a directory of 100,000
// people, 1,000 a page, through the audited door against the fake in the same
// process, into SQLite. It reports the People requests per sync, the heap in
// use before the sync (the fake's workspace included) and its peak during
// the sync, sampled every 10 ms, and the bytes allocated per sync:
//
//	go test -run '^$' -bench DirectoryFullSync100k -benchtime 1x ./connector/directory
func BenchmarkDirectoryFullSync100k(b *testing.B) {
	const size = 100_000
	ctx := context.Background()
	h := newHarness(b, sqldbtest.SQLite(b), size, 1)
	user := h.authorize(b, h.person(b, 0))
	s := h.syncer(b)

	var stats directory.Stats
	var peak, base uint64
	var allocated uint64
	for b.Loop() {
		b.StopTimer()
		if _, err := s.Purge(ctx, user); err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		base = max(base, ms.HeapInuse)
		before := ms.TotalAlloc
		stop := sampleHeap(&peak)
		b.StartTimer()

		var err error
		stats, err = s.Sync(ctx, user)

		b.StopTimer()
		stop()
		runtime.ReadMemStats(&ms)
		allocated += ms.TotalAlloc - before
		if err != nil || !stats.Full || stats.People != size {
			b.Fatalf("Sync = %+v, %v; want a full sync of %d people", stats, err, size)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(stats.Requests), "requests/op")
	b.ReportMetric(float64(base)/(1<<20), "base-heap-MiB")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(allocated)/float64(b.N)/(1<<20), "alloc-MiB/op")
}

// sampleHeap records the largest HeapInuse seen into peak until the
// returned function is called.
func sampleHeap(peak *uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			*peak = max(*peak, ms.HeapInuse)
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
	}
}
