package main

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserMemberMeetings walks a member's main path in a browser: grant
// calendars and Drive on the dashboard through the fake Google's consent
// page, then, with no other step, the meetings of the primary calendar on
// /meetings, in its time zone; switch the zone; sync now; open a meeting (one with a
// transcript when the demo has imported one in time). Each page is checked
// at 1280 and 390 px.
func TestBrowserMemberMeetings(t *testing.T) {
	b := newBrowserApp(t, nil)
	b.signedIn(t, b.admin(t), desktop)
	email := b.member(t)
	m := b.signedIn(t, email, desktop)
	m.grant(email, "calendars")
	m.grant(email, "recordings")

	m.visit("/meetings")
	m.waitFor(`a.title`, 15*time.Second, "a meeting on /meetings after linking calendars")
	if strings.Contains(m.text(`main`), "No calendar is linked") {
		t.Errorf("the meetings page says no calendar is linked")
	}
	primary := m.eval(`[...new Set([...document.querySelectorAll('tr .calendar')].map(td => td.textContent.trim()))].join('|')`)
	if primary == "" || strings.Contains(primary, "|") {
		t.Errorf("meetings come from calendars %q, want the primary calendar alone", primary)
	}
	zone := m.text(`#zone`)
	if zone == "" {
		t.Error("the meetings page names no time zone")
	}
	m.check("member-meetings")

	// Another zone, chosen on the page, stays on the links to meetings.
	other := "Asia/Tokyo"
	if zone == other {
		other = "Europe/Paris"
	}
	m.run(chromedp.SetValue(chromedp.CSS(`select#tz`), other), chromedp.Click(chromedp.CSS(`#zone-picker button`)))
	m.until(`new URLSearchParams(location.search).get('tz') === '`+other+`'`, 15*time.Second, "the page in the zone chosen")
	if got := m.text(`#zone`); got != other {
		t.Errorf("after choosing %s the page shows times in %q", other, got)
	}
	if href := m.eval(`document.querySelector('a.title').getAttribute('href')`); !strings.HasSuffix(href, "?tz="+url.QueryEscape(other)) {
		t.Errorf("a meeting's link %q does not keep the zone %s", href, other)
	}

	// Sync now: its progress shows while it runs, and the page shows the
	// result by itself when it is done.
	m.run(chromedp.Click(chromedp.CSS(`form#sync button`)))
	m.until(`document.querySelector('.flash, #sync-progress')`, 20*time.Second, "sign of a sync after Sync now")
	m.until(`!document.querySelector('#sync-progress')`, 30*time.Second, "end of the sync's progress")
	if strings.Contains(m.text(`#synced`), "not yet") {
		t.Errorf("after Sync now: %q", m.text(`#synced`))
	}
	m.check("")

	meeting := m.meetingWithTranscript(15 * time.Second)
	m.visit(meeting)
	if got := m.text(`#calendar`); got != primary {
		t.Errorf("the meeting page names calendar %q, want %q", got, primary)
	}
	if !strings.Contains(m.text(`#when`), " ") {
		t.Errorf("the meeting page says when %q", m.text(`#when`))
	}
	if m.eval(`document.querySelector('section.transcript') ? 'yes' : ''`) == "" {
		t.Logf("the meeting page %s shows no transcript: the demo imported none in time", meeting)
	}
	m.check("member-meeting")

	p := b.signedIn(t, email, phone)
	p.visit("/meetings")
	p.check("member-meetings")
	p.visit(meeting)
	p.check("member-meeting")
}

// meetingWithTranscript returns the link of a meeting on the meetings page
// the tab shows whose transcript is in, waiting at most limit for one,
// else the link of the first meeting.
func (p *tab) meetingWithTranscript(limit time.Duration) string {
	p.t.Helper()
	find := `(() => {
		const row = [...document.querySelectorAll('tr[id^="meeting-"]')]
			.find(tr => [...tr.querySelectorAll('.files a')].some(a => a.textContent.includes('transcript: transcribed')));
		return row ? row.querySelector('a.title').getAttribute('href') : '';
	})()`
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		if href := p.eval(find); href != "" {
			return href
		}
		p.run(chromedp.Reload(), chromedp.WaitReady(chromedp.CSS(`body`)))
	}
	return p.eval(`document.querySelector('a.title').getAttribute('href')`)
}
