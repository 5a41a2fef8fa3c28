package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
)

// TestMeetingsEndToEnd boots the demo, grants calendar access through the
// fake's consent page, links every calendar offered, and waits for the
// calendar sync job to fill the meetings page.
func TestMeetingsEndToEnd(t *testing.T) {
	a := startApp(t, "")
	b := browser.New(t)
	home := b.Get(a.base + "/")
	dash := b.Consent(b.Submit(home, `form[action="/auth/signin"]`, nil), browser.Answer{})
	b.Consent(b.Submit(dash, `form[action="/link/calendars"]`, nil), browser.Answer{})

	cals := b.Get(a.base + "/calendars")
	var ids []string
	for _, in := range cals.FindAll(`input[name="calendar"]`) {
		ids = append(ids, browser.Attr(in, "value"))
	}
	if len(ids) == 0 || ids[0] != "primary" {
		t.Fatalf("calendars offered: %v, want the primary calendar first:\n%s", ids, cals.Content)
	}
	meetings := b.Submit(cals, `form[action="/calendars"]`, url.Values{"calendar": ids})
	if meetings.Request.URL.Path != "/meetings" || !strings.Contains(meetings.Content, "is queued") {
		t.Fatalf("after linking: %d %s:\n%s", meetings.StatusCode, meetings.Request.URL, meetings.Content)
	}

	// The calendar sync job runs in the background and stores one calendar
	// at a time, so wait until every linked calendar shows its sync.
	deadline := time.Now().Add(20 * time.Second)
	for len(meetings.FindAll(`a[class="title"]`)) == 0 || strings.Contains(meetings.Content, "synced not yet") {
		if time.Now().After(deadline) {
			t.Fatalf("the linked calendars were not all synced after 20s:\n%s\nlogs:\n%s", meetings.Content, a.stderr)
		}
		time.Sleep(200 * time.Millisecond)
		meetings = b.Get(a.base + "/meetings")
	}
	first := browser.Attr(meetings.FindAll(`a[class="title"]`)[0], "href")
	one := b.Get(a.base + first)
	if one.StatusCode != http.StatusOK || len(one.FindAll(`dd[id="when"]`)) != 1 {
		t.Errorf("meeting page %s: %d:\n%s", first, one.StatusCode, one.Content)
	}
	if err := a.stop(); err != nil {
		t.Errorf("realMain: %v", err)
	}
	if len(errorsLogged(a.stderr.String())) > 0 {
		t.Errorf("errors logged:\n%s", a.stderr)
	}
}

// TestLinkingCalendarsShowsPrimaryMeetings boots the demo, signs in and
// grants calendar access through the fake's consent page, and then, with
// no other step, finds the meetings of the primary calendar on /meetings:
// linking calendars links the primary one and syncs it.
func TestLinkingCalendarsShowsPrimaryMeetings(t *testing.T) {
	a := startApp(t, "")
	b := browser.New(t)
	dash := b.Consent(b.Submit(b.Get(a.base+"/"), `form[action="/auth/signin"]`, nil), browser.Answer{})
	b.Consent(b.Submit(dash, `form[action="/link/calendars"]`, nil), browser.Answer{})

	deadline := time.Now().Add(20 * time.Second)
	meetings := b.Get(a.base + "/meetings")
	for len(meetings.FindAll(`a[class="title"]`)) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no meeting on /meetings 20s after linking calendars:\n%s\nlogs:\n%s", meetings.Content, a.stderr)
		}
		time.Sleep(200 * time.Millisecond)
		meetings = b.Get(a.base + "/meetings")
	}
	if strings.Contains(meetings.Content, "No calendar is linked") {
		t.Errorf("meetings page says no calendar is linked:\n%s", meetings.Content)
	}
	// The meetings are the primary calendar's, named as Google names it,
	// with times in its zone, which the calendars page shows too.
	cals := b.Get(a.base + "/calendars")
	name, zone := cals.TextOf(t, "#calendar-0 .summary"), cals.TextOf(t, "#calendar-0 .zone")
	if len(cals.FindAll(`#calendar-0 .tier`)) != 1 || zone == "" {
		t.Fatalf("calendars page: want the primary calendar first, with its zone:\n%s", cals.Content)
	}
	for _, td := range meetings.FindAll("tr .calendar") {
		if got := browser.Text(td); got != name {
			t.Errorf("a meeting of calendar %q, want only the primary calendar %q", got, name)
		}
	}
	if got := meetings.TextOf(t, "#zone"); got != zone {
		t.Errorf("meetings shown in %q, want the primary calendar's zone %q", got, zone)
	}
	if err := a.stop(); err != nil {
		t.Errorf("realMain: %v", err)
	}
}
