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

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/connector/recordings"
)

// TestRecordingsEndToEnd boots the demo, grants calendars and Drive,
// links the calendars and waits for the jobs: the calendar sync discovers
// the member's Meet files, and their download and import jobs spool the
// recordings and show the transcripts. The audio is kept, so that the
// spool can be checked whenever the transcriptions end.
func TestRecordingsEndToEnd(t *testing.T) {
	a := startAppWith(t, "", map[string]string{"RECORDING_RETENTION": "forever"})
	spool := os.Getenv("RECORDINGS_SPOOL_DIR")
	b := browser.New(t)
	home := b.Get(a.base + "/")
	dash := b.Consent(b.Submit(home, `form[action="/auth/signin"]`, nil), browser.Answer{})
	dash = b.Consent(b.Submit(dash, `form[action="/link/calendars"]`, nil), browser.Answer{})
	b.Consent(b.Submit(dash, `form[action="/link/recordings"]`, nil), browser.Answer{})
	cals := b.Get(a.base + "/calendars")
	var ids []string
	for _, in := range cals.FindAll(`input[name="calendar"]`) {
		ids = append(ids, browser.Attr(in, "value"))
	}
	b.Submit(cals, `form[action="/calendars"]`, url.Values{"calendar": ids})

	// Wait until every file is transcribed or queued without a transcript.
	list := waitForRecordings(t, a, b, "recordings not done")
	if strings.Contains(list.Content, ">failed<") {
		t.Errorf("a file failed:\n%s", list.Content)
	}
	shown, played := 0, ""
	for _, link := range list.FindAll(`a[class="name"]`) {
		one := b.Get(a.base + browser.Attr(link, "href"))
		if one.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", browser.Attr(link, "href"), one.StatusCode)
		}
		shown += len(one.FindAll(`pre[id="transcript"]`)) + len(one.FindAll(`ol[id="segments"]`))
		if src := one.Find(`video[id="media"] source`); src != nil && played == "" {
			played = browser.Attr(src, "src")
		}
	}
	checkMediaServed(t, a, b, played)
	var spooled []string
	_ = filepath.WalkDir(spool, func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".mp4") {
			spooled = append(spooled, path)
		}
		return err
	})
	t.Logf("%d files listed, %d pages show a transcript, %d recordings spooled",
		len(list.FindAll(`a[class="name"]`)), shown, len(spooled))
	if shown == 0 || len(spooled) == 0 {
		t.Errorf("%d pages show a transcript and %d recordings were spooled in %s; want some of each:\n%s", shown, len(spooled), spool, list.Content)
	}
	if err := a.stop(); err != nil {
		t.Errorf("realMain: %v", err)
	}
	if len(errorsLogged(a.stderr.String())) > 0 {
		t.Errorf("errors logged:\n%s", a.stderr)
	}
}

// checkMediaServed checks that the player's source of a spooled recording
// answers a Range request with 206 and the bytes asked for to its owner
// (signed in on b), and 404 to someone else of the workspace.
func checkMediaServed(t *testing.T, a *app, b *browser.Browser, src string) {
	t.Helper()
	if src == "" {
		t.Error("no recording page has a player")
		return
	}
	ranged := func(b *browser.Browser) *browser.Page {
		req, err := http.NewRequest(http.MethodGet, a.base+src, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Range", "bytes=0-99")
		return b.Do(req)
	}
	if r := ranged(b); r.StatusCode != http.StatusPartialContent || len(r.Content) != 100 || r.Header.Get("Content-Type") != "video/mp4" {
		t.Errorf("GET %s with a Range: %d, %d bytes of %s; want 206 with 100 bytes of video/mp4", src, r.StatusCode, len(r.Content), r.Header.Get("Content-Type"))
	}
	owner := b.Get(a.base + "/dashboard").Find(`a[class="who"]`)
	ws, err := demoWorkspace(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ws.People() {
		if p.Deleted || owner == nil || strings.Contains(browser.Text(owner), p.Email) {
			continue
		}
		other := browser.New(t)
		other.Consent(other.Submit(other.Get(a.base+"/"), `form[action="/auth/signin"]`, nil), browser.Answer{Account: p.Email})
		if r := ranged(other); r.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s by %s: %d, want 404", src, p.Email, r.StatusCode)
		}
		return
	}
	t.Error("the demo workspace has nobody else to try")
}

// TestRecordingsDefaults checks the spool folder's and the retention's
// documented defaults: audio is deleted once transcribed.
func TestRecordingsDefaults(t *testing.T) {
	t.Parallel()
	cfg, err := parseConfig(map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Recordings.SpoolDir != "./data/spool" {
		t.Errorf("RECORDINGS_SPOOL_DIR defaults to %q", cfg.Recordings.SpoolDir)
	}
	if keep, err := cfg.Recordings.KeepAudio(); err != nil || keep != (recordings.Retention{}) {
		t.Errorf("RECORDING_RETENTION defaults to %+v, %v; want 0", keep, err)
	}
}

// waitForRecordings polls /recordings until it lists files and none is
// still found or downloading, and returns that page; after 30 seconds it
// fails the test with "<failure> after 30s".
func waitForRecordings(t *testing.T, a *app, b *browser.Browser, failure string) *browser.Page {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		list := b.Get(a.base + "/recordings")
		rows := list.FindAll(`a[class="name"]`)
		busy := strings.Contains(list.Content, ">found<") || strings.Contains(list.Content, ">downloading<")
		if len(rows) > 0 && !busy {
			return list
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s after 30s:\n%s\nlogs:\n%s", failure, list.Content, a.stderr)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
