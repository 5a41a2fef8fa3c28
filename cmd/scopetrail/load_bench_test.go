package main

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// The load benchmark's size.
const (
	// loadClients sign in and read pages at once.
	loadClients = 32
	// loadDirectory is the number of people in the directory that syncs
	// during the load.
	loadDirectory = 2_000
	// defaultTrailEntries is the trail's size unless BENCH_TRAIL_ENTRIES
	// says otherwise.
	defaultTrailEntries = 100_000
)

// loadPages are the pages each client reads in turn; "search" is the
// directory page with a query, which searches Google's directory.
var loadPages = []string{"dashboard", "audit", "report", "search"}

// BenchmarkPagesUnderLoad is figure P10: 32 signed-in admins read the
// dashboard, /audit, /report and a search of the directory, each page in
// turn, as fast as the app answers, while a 33rd admin keeps a sync of a
// 2,000-person directory running, over a trail of BENCH_TRAIL_ENTRIES
// entries (100,000 unless set; the goal is for 1,000,000) seeded through the
// trail's append path. One op is one page load. It reports the pages
// served per second, the latency of all pages (p50, p99) and of each page
// (p99), the requests that failed, and the trail's size:
//
//	BENCH_TRAIL_ENTRIES=1000000 go test -run '^$' -bench PagesUnderLoad -benchtime 3000x ./cmd/scopetrail
//
// PostgreSQL runs when TEST_POSTGRES_URL is set.
func BenchmarkPagesUnderLoad(b *testing.B) {
	entries := defaultTrailEntries
	if v := os.Getenv("BENCH_TRAIL_ENTRIES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			b.Fatalf("BENCH_TRAIL_ENTRIES=%q: want a number of entries", v)
		}
		entries = n
	}
	b.Run("sqlite", func(b *testing.B) { benchPagesUnderLoad(b, filepath.Join(b.TempDir(), "scopetrail.db"), entries) })
	b.Run("postgres", func(b *testing.B) { benchPagesUnderLoad(b, sqldbtest.PostgresURL(b), entries) })
}

// sample is one page load: which page, how long it took and, when it
// failed, why.
type sample struct {
	page    int
	latency time.Duration
	failure string
}

func benchPagesUnderLoad(b *testing.B, databaseURL string, entries int) {
	dir := b.TempDir()
	people := writeLoadWorkspace(b, dir, loadDirectory)
	b.Chdir(dir)
	admins := make([]string, loadClients+1)
	for i := range admins {
		admins[i] = people[i].Email
	}
	seed := newAuditSeed()
	setup := time.Now()
	a := startAppWith(b, databaseURL, map[string]string{"ADMIN_EMAILS": strings.Join(admins, ","), "AUDIT_SIGNING_KEY": seed})
	clients := make([]*http.Client, loadClients)
	for i := range clients {
		clients[i] = signInAdmin(b, a.base, admins[i]).Client()
	}
	syncer := signInAdmin(b, a.base, admins[loadClients])
	b.Logf("started the app and signed in %d admins in %v", len(admins), time.Since(setup).Round(time.Millisecond))
	seeding := time.Now()
	seedTrail(b, databaseURL, seed, entries)
	b.Logf("seeded %d entries in %v", entries, time.Since(seeding).Round(time.Millisecond))
	// The seeded entries went around the trail's append path, and so
	// around the usage roll-up that the running app keeps current
	// (audit.Trail.RunUsageRollup): one report, untimed, counts them, as
	// the roll-up would have while a real trail grew.
	rollingUp := time.Now()
	if r := syncer.Get(a.base + "/report"); r.StatusCode != http.StatusOK {
		b.Fatalf("the first report: %d", r.StatusCode)
	}
	b.Logf("rolled up the usage of %d entries in %v", entries, time.Since(rollingUp).Round(time.Millisecond))

	dirPage := syncer.Get(a.base + "/admin/directory")
	token := dirPage.CSRFToken(b)
	if queued := syncer.Submit(dirPage, `form[action="/admin/directory/sync"]`, nil); !strings.Contains(queued.TextOf(b, ".flash"), "queued") {
		b.Fatalf("queueing the directory sync: %d %s", queued.StatusCode, queued.Request.URL)
	}
	stopSyncs := keepSyncing(a.base, syncer.Client(), token)

	work := make(chan int)
	samples := make([][]sample, loadClients)
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Go(func() {
			for n := range work {
				page := (i + n) % len(loadPages)
				samples[i] = append(samples[i], loadPage(c, a.base, page, people[n%len(people)].GivenName))
			}
		})
	}
	start := time.Now()
	n := 0
	for b.Loop() {
		work <- n
		n++
	}
	close(work)
	wg.Wait()
	elapsed := time.Since(start)
	syncFailures := stopSyncs()
	if syncFailures > 0 {
		b.Errorf("%d of the requests that queue a directory sync failed", syncFailures)
	}
	reportLoad(b, slices.Concat(samples...), elapsed)
	b.ReportMetric(float64(entries), "trail-entries")
	copied := syncer.Get(a.base+"/admin/directory").TextOf(b, `#sync-summary .people`)
	if strings.ReplaceAll(copied, ",", "") != strconv.Itoa(loadDirectory) {
		b.Errorf("the directory copy holds %q people after the load, want %d: the sync did not run", copied, loadDirectory)
	}
}

// loadPage loads one page as client c and says how long it took and
// why it failed, if it did: a transport error, a status other than 200, or
// a redirect elsewhere (to sign in again).
func loadPage(c *http.Client, base string, page int, query string) sample {
	path := "/" + loadPages[page]
	if loadPages[page] == "search" {
		path = "/admin/directory?q=" + url.QueryEscape(query)
	}
	start := time.Now()
	failure := ""
	res, err := c.Get(base + path)
	if err == nil {
		_, err = io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	switch {
	case err != nil:
		failure = err.Error()
	case res.StatusCode != http.StatusOK:
		failure = fmt.Sprintf("%s: status %d", path, res.StatusCode)
	case res.Request.URL.Path != strings.Split(path, "?")[0]:
		failure = fmt.Sprintf("%s: landed on %s", path, res.Request.URL.Path)
	}
	return sample{page: page, latency: time.Since(start), failure: failure}
}

// keepSyncing asks for a directory sync every half second, with the
// syncer's session and CSRF token, so that a sync is running or queued
// throughout the load; the function it returns stops it and returns how
// many of those requests failed.
func keepSyncing(base string, c *http.Client, token string) (stop func() int) {
	done := make(chan struct{})
	failures := make(chan int, 1)
	go func() {
		n := 0
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				failures <- n
				return
			case <-t.C:
			}
			res, err := c.PostForm(base+"/admin/directory/sync", url.Values{"csrf_token": {token}})
			if err != nil {
				n++
				continue
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				n++
			}
		}
	}()
	return func() int {
		close(done)
		return <-failures
	}
}

// reportLoad reports the rate of page loads, their latency overall and by
// page, and the failures, the first of which it logs.
func reportLoad(b *testing.B, samples []sample, elapsed time.Duration) {
	var all []time.Duration
	byPage := make([][]time.Duration, len(loadPages))
	failed := 0
	for _, s := range samples {
		all = append(all, s.latency)
		byPage[s.page] = append(byPage[s.page], s.latency)
		if s.failure != "" {
			if failed++; failed == 1 {
				b.Logf("first failed page load, after %v: %s", s.latency.Round(time.Millisecond), s.failure)
			}
		}
	}
	b.ReportMetric(float64(len(samples))/elapsed.Seconds(), "req/s")
	b.ReportMetric(percentileMs(all, 50), "p50-ms")
	b.ReportMetric(percentileMs(all, 99), "p99-ms")
	for i, page := range loadPages {
		b.ReportMetric(percentileMs(byPage[i], 99), "p99-"+page+"-ms")
	}
	b.ReportMetric(float64(failed), "errors")
}

// percentileMs returns the p-th percentile of ds, in milliseconds, by the
// nearest-rank method; 0 when ds is empty.
func percentileMs(ds []time.Duration, p int) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := (p*len(s) + 99) / 100
	return float64(s[max(rank-1, 0)]) / float64(time.Millisecond)
}
