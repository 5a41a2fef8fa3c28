package directory_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/connectortest"
	"github.com/scopetrail/scopetrail/connector/directory"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// BenchmarkDirectoryFullSync100k measures a full sync of a directory of
// 100,000 people, 1,000 a page, through the audited door against the fake in
// the same process, into SQLite, beside the fake's own time to serve the
// same pages (see benchFullSync):
//
//	go test -run '^$' -bench DirectoryFullSync100k -benchtime 1x ./connector/directory
func BenchmarkDirectoryFullSync100k(b *testing.B) {
	benchFullSync(b, 100_000)
}

// BenchmarkDirectoryFullSyncScale is the scale curve of the full sync: the
// same figures at 1,000, 10,000 and 100,000 people, to show how the cost
// grows with the directory:
//
//	go test -run '^$' -bench DirectoryFullSyncScale -benchtime 1x ./connector/directory
func BenchmarkDirectoryFullSyncScale(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("people=%d", n), func(b *testing.B) { benchFullSync(b, n) })
	}
}

// benchFullSync runs two sub-benchmarks on a directory of size people:
//
//   - fake: every page fetched by a plain HTTP client that only adds the
//     bearer token, asks what the sync asks, and reads each page's
//     nextPageToken;
//   - sync: Syncer.Sync, a full sync into SQLite through the door.
//
// Each reports the CPU time of the process per sync or listing, all cores
// and the fake's share included (steadier than time on a busy machine).
// sync reports sync/fake, its time as a multiple of the fake's, measured
// in the same run, and sync/fake-cpu, the same for CPU time; the growth of the live heap during the sync (the peak of
// the heap marked live by each GC, sampled every 10 ms, less the live heap
// before it: what the sync holds) and of the heap in use (which also counts
// the garbage the GC lets pile up, in proportion to the heap before: the
// fake's workspace); the bytes allocated; and the People requests.
func benchFullSync(b *testing.B, size int) {
	ctx := context.Background()
	h := newHarness(b, sqldbtest.SQLite(b), size, 1)
	user := h.authorize(b, h.person(b, 0))
	s := h.syncer(b)
	tok, err := h.Tokens.Load(ctx, user)
	if err != nil {
		b.Fatal(err)
	}

	var fakeTime, fakeCPU time.Duration
	b.Run("fake", func(b *testing.B) {
		cpu := connectortest.ProcessCPU()
		for b.Loop() {
			if n := fetchAllPages(b, h.URLs.PeopleBase, tok.AccessToken); n != (size+directory.MaxPageSize-1)/directory.MaxPageSize {
				b.Fatalf("fetched %d pages of %d people", n, size)
			}
		}
		fakeTime = b.Elapsed() / time.Duration(b.N)
		fakeCPU = (connectortest.ProcessCPU() - cpu) / time.Duration(b.N)
		b.ReportMetric(fakeCPU.Seconds(), "cpu-s/op")
	})
	b.Run("sync", func(b *testing.B) {
		var stats directory.Stats
		var heap heapPeaks
		var allocated uint64
		var cpu time.Duration
		for b.Loop() {
			b.StopTimer()
			if _, err := s.Purge(ctx, user); err != nil {
				b.Fatal(err)
			}
			runtime.GC()
			before := readHeap()
			stop := heap.sample(before)
			b.StartTimer()
			cpu -= connectortest.ProcessCPU()

			var err error
			stats, err = s.Sync(ctx, user)

			cpu += connectortest.ProcessCPU()
			b.StopTimer()
			stop()
			allocated += readHeap().allocated - before.allocated
			if err != nil || !stats.Full || stats.People != int64(size) {
				b.Fatalf("Sync = %+v, %v; want a full sync of %d people", stats, err, size)
			}
			b.StartTimer()
		}
		cpu /= time.Duration(b.N)
		b.ReportMetric(cpu.Seconds(), "cpu-s/op")
		if fakeTime > 0 {
			b.ReportMetric(float64(b.Elapsed()/time.Duration(b.N))/float64(fakeTime), "sync/fake")
		}
		if fakeCPU > 0 {
			b.ReportMetric(float64(cpu)/float64(fakeCPU), "sync/fake-cpu")
		}
		b.ReportMetric(float64(stats.Requests), "requests/op")
		b.ReportMetric(float64(heap.live)/(1<<20), "live-heap-growth-MiB")
		b.ReportMetric(float64(heap.inUse)/(1<<20), "inuse-heap-growth-MiB")
		b.ReportMetric(float64(allocated)/float64(b.N)/(1<<20), "alloc-MiB/op")
	})
}

// fetchAllPages lists the whole directory as the sync does, with a plain
// client, and returns the number of pages.
func fetchAllPages(b *testing.B, base, accessToken string) int {
	q := url.Values{"sources": {directory.SourceDomainProfile}, "readMask": {directory.ReadMask},
		"pageSize": {strconv.Itoa(directory.MaxPageSize)}, "requestSyncToken": {"true"},
		"fields": {"nextPageToken,nextSyncToken,people(resourceName,metadata/deleted,names(displayName,metadata/primary)," +
			"emailAddresses(value,metadata/primary))"}}
	for pages := 1; ; pages++ {
		req, err := http.NewRequest(http.MethodGet, base+"v1/people:listDirectoryPeople?"+q.Encode(), nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+accessToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var page struct{ NextPageToken string }
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("page %d: %s, %v", pages, resp.Status, err)
		}
		if page.NextPageToken == "" {
			return pages
		}
		q.Set("pageToken", page.NextPageToken)
	}
}

// heapState is a reading of the heap.
type heapState struct {
	live, inUse, allocated uint64
}

// heapSamples are the runtime metrics readHeap reads.
var heapSamples = []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/allocs:bytes"}}

// readHeap returns the heap marked live by the latest GC, the bytes of heap
// objects, garbage included, and the bytes allocated so far.
func readHeap() heapState {
	s := make([]metrics.Sample, len(heapSamples))
	copy(s, heapSamples)
	metrics.Read(s)
	return heapState{live: s[0].Value.Uint64(), inUse: s[1].Value.Uint64(), allocated: s[2].Value.Uint64()}
}

// heapPeaks are the largest growths of the heap seen.
type heapPeaks struct {
	live, inUse uint64
}

// sample records into p the largest growths over base until the returned
// function is called.
func (p *heapPeaks) sample(base heapState) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	grow := func(now, was uint64) uint64 { return max(now, was) - was }
	wg.Go(func() {
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			h := readHeap()
			p.live = max(p.live, grow(h.live, base.live))
			p.inUse = max(p.inUse, grow(h.inUse, base.inUse))
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
