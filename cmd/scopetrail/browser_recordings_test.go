package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserRecordings walks a member's recordings at 1280 and 390 px: the
// empty page offers to grant Drive; once granted, the list shows the files
// found with their dates, and a transcribed recording plays in its page:
// the player's source answers a Range request from the page with 206, and
// the transcript is beside it.
func TestBrowserRecordings(t *testing.T) {
	b := newBrowserApp(t, map[string]string{"RECORDING_RETENTION": "forever"})
	b.signedIn(t, b.admin(t), desktop)
	email := b.member(t)
	m := b.signedIn(t, email, desktop)
	m.visit("/recordings")
	if got := m.text(`#grant-drive h2`); got != "Grant Drive to see recordings" {
		t.Errorf("the empty recordings page says %q", got)
	}
	m.check("recordings-empty")

	// The calendars first, so that each recording is matched to its
	// meeting and takes Meet's transcript of it.
	m.visit("/calendars")
	m.consent(`form[action="/link/calendars"] button`, email)
	waitFor(m, "/calendars", "calendar to choose", `document.querySelector('#choose input[name=calendar]') ? 'listed' : ''`)
	m.eval(`(() => { document.querySelectorAll('#choose input[name=calendar]').forEach(c => { c.checked = true; }); return ''; })()`)
	m.run(chromedp.Click(chromedp.CSS(`#choose button`)))
	waitFor(m, "", "the meetings page after saving the calendars", `location.pathname === '/meetings' ? 'there' : ''`)
	waitFor(m, "/meetings", "the calendars' first sync", `document.querySelector('main a[href^="/meetings/"]') ? 'synced' : ''`)
	m.visit("/recordings")
	m.consent(`#grant-drive button`, email)
	link := transcribedRecording(m)
	m.visit("/recordings")
	m.check("recordings")

	for _, p := range []*tab{m, b.signedIn(t, email, phone)} {
		if p != m {
			p.visit("/recordings")
			p.check("recordings")
		}
		p.visit(link)
		if got := p.text(`#transcript-section`); !strings.Contains(got, "Transcribed by") {
			t.Errorf("at %d px the recording's page shows no transcript: %q", p.width, got)
		}
		got, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`(async () => {
			const src = document.querySelector('#media source').src;
			const r = await fetch(src, { headers: { Range: 'bytes=0-99' } });
			return r.status + ' ' + (await r.arrayBuffer()).byteLength + ' ' + r.headers.get('Content-Type');
		})()`, chromedp.EvalAwaitPromise))
		if err != nil || got != "206 100 video/mp4" {
			t.Errorf("at %d px the player's source answers a Range request with %q (%v), want 206 with 100 bytes of video/mp4", p.width, got, err)
		}
		p.check("recording")
	}
}

// transcribedRecording waits until the member's list shows a transcribed
// recording and returns the path of its page.
func transcribedRecording(p *tab) string {
	p.t.Helper()
	return waitFor(p, "/recordings", "a transcribed recording", `(() => {
		const row = [...document.querySelectorAll('table.recordings tbody tr')]
			.find(r => r.querySelector('.kind').textContent === 'recording' && r.querySelector('.state').textContent === 'transcribed');
		return row ? row.querySelector('a.name').getAttribute('href') : '';
	})()`)
}

// waitFor visits path (stays on the page shown when "") until the
// expression found yields a string that is not empty, and returns it; after a minute (the jobs run on a machine that
// may be busy) it fails the test.
func waitFor(p *tab, path, what, found string) string {
	p.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		if path != "" {
			p.visit(path)
		}
		if v := p.eval(found); v != "" {
			return v
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("no %s after a minute:\n%s", what, p.text(`main`))
		}
		time.Sleep(300 * time.Millisecond)
	}
}
