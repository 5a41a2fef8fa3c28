package main

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// TestGoogleOutageEndToEnd boots the demo with a short header timeout,
// links calendars, and then makes the fake Google fail every calendar list:
// first with 503s, then by never answering. Each time GET /calendars
// answers 503 with Retry-After and says ScopeTrail will retry, logged as a
// warning, not an error; the calls that hung are audited as timeouts.
func TestGoogleOutageEndToEnd(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "scopetrail.db")
	a := startAppWith(t, dbPath, map[string]string{"GOOGLE_HEADER_TIMEOUT": "300ms"})
	b := browser.New(t)
	dash := b.Consent(b.Submit(b.Get(a.base+"/"), `form[action="/auth/signin"]`, nil), browser.Answer{})
	b.Consent(b.Submit(dash, `form[action="/link/calendars"]`, nil), browser.Answer{})
	if cals := b.Get(a.base + "/calendars"); cals.StatusCode != http.StatusOK {
		t.Fatalf("GET /calendars before the outage: %d:\n%s", cals.StatusCode, cals.Content)
	}
	fake := fakeURL(t, a)

	for _, fault := range []map[string]string{
		{"kind": "unavailable", "method": "calendar.calendarList.list"},
		{"kind": "latency", "method": "calendar.calendarList.list", "delay": "1m"},
	} {
		clearFakeFaults(t, fake)
		postFake(t, fake+"/_fake/faults", fault)
		cals := b.Get(a.base + "/calendars")
		if cals.StatusCode != http.StatusServiceUnavailable || cals.Header.Get("Retry-After") != "30" {
			t.Errorf("GET /calendars with %s: %d, Retry-After %q; want 503, 30", fault, cals.StatusCode, cals.Header.Get("Retry-After"))
		}
		if says := cals.TextOf(t, "#error p"); !strings.Contains(says, "Google is not answering; ScopeTrail will retry") {
			t.Errorf("GET /calendars with %s says %q", fault, says)
		}
	}
	clearFakeFaults(t, fake)

	logs := a.stderr.String()
	if n := strings.Count(logs, `"level":"WARN","msg":"Google is not answering"`); n != 2 {
		t.Errorf("%d warnings that Google is not answering, want 2:\n%s", n, logs)
	}
	if strings.Contains(logs, `"level":"ERROR","msg":"request failed"`) {
		t.Errorf("a Google outage was logged as our error:\n%s", logs)
	}
	if n := timeouts(t, dbPath); n < 2 {
		t.Errorf("%d calendar lists audited as timeouts, want one per attempt, at least 2", n)
	}
	if err := a.stop(); err != nil {
		t.Errorf("realMain: %v", err)
	}
}

// timeouts counts the calendar lists the audit trail at dbPath records as
// timed out.
func timeouts(t *testing.T, dbPath string) int {
	t.Helper()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err := audit.New(db, audit.Options{}).Query(ctx, audit.Filter{Method: "calendar.calendarList.list", Limit: audit.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range p.Entries {
		if e.Outcome == audit.OutcomeError && e.ErrorReason == "timeout" {
			n++
		}
	}
	return n
}

// clearFakeFaults removes the fake's faults.
func clearFakeFaults(t *testing.T, fake string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodDelete, fake+"/_fake/faults", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
}
