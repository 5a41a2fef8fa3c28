package main

import (
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/scopes"
)

// TestRecordingsEndToEnd boots the demo, grants calendars and Drive,
// links the calendars and waits for the jobs: the calendar sync discovers
// the member's Meet files, and their download and import jobs spool the
// recordings and show the transcripts.
func TestRecordingsEndToEnd(t *testing.T) {
	a := startApp(t, "")
	spool := os.Getenv("RECORDINGS_SPOOL_DIR")
	b := newBrowser(t)
	home := b.do(http.MethodGet, a.base+"/", nil)
	dash := b.consent(b.postForm(home, "/auth/signin", nil))
	dash = b.consent(b.postForm(dash, "/link/calendars", nil), scopes.CalendarReadonly, scopes.CalendarEventsReadonly)
	b.consent(b.postForm(dash, "/link/recordings", nil), scopes.DriveReadonly)
	cals := b.do(http.MethodGet, a.base+"/calendars", nil)
	var ids []string
	for _, in := range cals.elements("input", "name", "calendar") {
		ids = append(ids, attrOf(in, "value"))
	}
	b.postForm(cals, "/calendars", url.Values{"calendar": ids})

	// Wait until every file is transcribed or queued without a transcript.
	list := waitForRecordings(t, a, b, "recordings not done")
	if strings.Contains(list.body, ">failed<") {
		t.Errorf("a file failed:\n%s", list.body)
	}
	shown := 0
	for _, link := range list.elements("a", "class", "name") {
		one := b.do(http.MethodGet, a.base+attrOf(link, "href"), nil)
		if one.code != http.StatusOK {
			t.Fatalf("%s: %d", attrOf(link, "href"), one.code)
		}
		shown += len(one.elements("pre", "id", "transcript"))
	}
	var spooled []string
	_ = filepath.WalkDir(spool, func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".mp4") {
			spooled = append(spooled, path)
		}
		return err
	})
	t.Logf("%d files listed, %d pages show a transcript, %d recordings spooled",
		len(list.elements("a", "class", "name")), shown, len(spooled))
	if shown == 0 || len(spooled) == 0 {
		t.Errorf("%d pages show a transcript and %d recordings were spooled in %s; want some of each:\n%s", shown, len(spooled), spool, list.body)
	}
	if err := a.stop(); err != nil {
		t.Errorf("realMain: %v", err)
	}
	if strings.Contains(a.stderr.String(), `"level":"ERROR"`) {
		t.Errorf("errors logged:\n%s", a.stderr)
	}
}

// TestRecordingsDefaults checks the spool folder's documented default.
func TestRecordingsDefaults(t *testing.T) {
	t.Parallel()
	cfg, err := parseConfig(map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Recordings.SpoolDir != "./data/spool" {
		t.Errorf("RECORDINGS_SPOOL_DIR defaults to %q", cfg.Recordings.SpoolDir)
	}
}

// waitForRecordings polls /recordings until it lists files and none is
// still found or downloading, and returns that page; after 30 seconds it
// fails the test with "<failure> after 30s".
func waitForRecordings(t *testing.T, a *app, b *browser, failure string) *page {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		list := b.do(http.MethodGet, a.base+"/recordings", nil)
		rows := list.elements("a", "class", "name")
		busy := strings.Contains(list.body, ">found<") || strings.Contains(list.body, ">downloading<")
		if len(rows) > 0 && !busy {
			return list
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s after 30s:\n%s\nlogs:\n%s", failure, list.body, a.stderr)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
