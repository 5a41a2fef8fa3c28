package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/scopes"
)

// TestMeetingsEndToEnd boots the demo, grants calendar access through the
// fake's consent page, links every calendar offered, and waits for the
// calendar sync job to fill the meetings page.
func TestMeetingsEndToEnd(t *testing.T) {
	a := startApp(t, "")
	b := newBrowser(t)
	home := b.do(http.MethodGet, a.base+"/", nil)
	dash := b.consent(b.postForm(home, "/auth/signin", nil))
	b.consent(b.postForm(dash, "/link/calendars", nil), scopes.CalendarReadonly, scopes.CalendarEventsReadonly)

	cals := b.do(http.MethodGet, a.base+"/calendars", nil)
	var ids []string
	for _, in := range cals.elements("input", "name", "calendar") {
		ids = append(ids, attrOf(in, "value"))
	}
	if len(ids) == 0 || ids[0] != "primary" {
		t.Fatalf("calendars offered: %v, want the primary calendar first:\n%s", ids, cals.body)
	}
	meetings := b.postForm(cals, "/calendars", url.Values{"calendar": ids})
	if meetings.url.Path != "/meetings" || !strings.Contains(meetings.body, "is queued") {
		t.Fatalf("after linking: %d %s:\n%s", meetings.code, meetings.url, meetings.body)
	}

	// The calendar sync job runs in the background and stores one calendar
	// at a time, so wait until every linked calendar shows its sync.
	deadline := time.Now().Add(20 * time.Second)
	for len(meetings.elements("a", "class", "title")) == 0 || strings.Contains(meetings.body, "synced not yet") {
		if time.Now().After(deadline) {
			t.Fatalf("the linked calendars were not all synced after 20s:\n%s\nlogs:\n%s", meetings.body, a.stderr)
		}
		time.Sleep(200 * time.Millisecond)
		meetings = b.do(http.MethodGet, a.base+"/meetings", nil)
	}
	first := attrOf(meetings.elements("a", "class", "title")[0], "href")
	one := b.do(http.MethodGet, a.base+first, nil)
	if one.code != http.StatusOK || len(one.elements("dd", "id", "when")) != 1 {
		t.Errorf("meeting page %s: %d:\n%s", first, one.code, one.body)
	}
	if err := a.stop(); err != nil {
		t.Errorf("realMain: %v", err)
	}
	if strings.Contains(a.stderr.String(), `"level":"ERROR"`) {
		t.Errorf("errors logged:\n%s", a.stderr)
	}
}
