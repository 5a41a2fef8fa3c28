package main

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/connector/revoke"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/web"
)

// The web server finds the dashboard's feature switch by asserting it on
// the revocation service the app gives it.
var _ web.FeatureSwitch = (*revoke.Service)(nil)

// exported is the part of an exported audit entry TestTurnOffOneFeature
// reads.
type exported struct {
	Seq     int64  `json:"seq"`
	Event   string `json:"event"`
	Scope   string `json:"scope"`
	Purpose string `json:"purpose"`
	Outcome string `json:"outcome"`
	Items   int64  `json:"items"`
	Reason  string `json:"error_reason"`
}

// exportAudit exports every audit entry with the command line.
func exportAudit(t *testing.T) []exported {
	t.Helper()
	out, err := cli(t, "audit", "export", "--format", "jsonl")
	if err != nil {
		t.Fatalf("audit export: %v\n%s", err, out)
	}
	var all []exported
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var e exported
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("audit export line %q: %v", line, err)
		}
		all = append(all, e)
	}
	return all
}

// TestTurnOffOneFeature boots the demo, links calendars and waits for the
// meetings, then turns calendars off from the dashboard: the meetings and
// linked calendars are gone from the database, the dashboard says what
// happened, the calendars page no longer reaches Google, no calendar
// request leaves after the turn-off, and Drive, linked afterwards, still
// works. Turning calendars on again lets the calendars page reach Google.
func TestTurnOffOneFeature(t *testing.T) {
	a := startApp(t, "")
	b := browser.New(t)
	dash := b.Consent(b.Submit(b.Get(a.base+"/"), `form[action="/auth/signin"]`, nil), browser.Answer{})
	b.Consent(b.Submit(dash, `form[action="/link/calendars"]`, nil), browser.Answer{})
	cals := b.Get(a.base + "/calendars")
	var ids []string
	for _, in := range cals.FindAll(`input[name="calendar"]`) {
		ids = append(ids, browser.Attr(in, "value"))
	}
	meetings := b.Submit(cals, `form[action="/calendars"]`, url.Values{"calendar": ids})
	deadline := time.Now().Add(20 * time.Second)
	for len(meetings.FindAll(`a[class="title"]`)) == 0 || strings.Contains(meetings.Content, "synced not yet") {
		if time.Now().After(deadline) {
			t.Fatalf("the calendars were not synced after 20s:\n%s", meetings.Content)
		}
		time.Sleep(200 * time.Millisecond)
		meetings = b.Get(a.base + "/meetings")
	}
	db, err := sqldb.Open(context.Background(), os.Getenv("DATABASE_URL"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stored := func() (n int) {
		t.Helper()
		if err := db.QueryRow(context.Background(), "SELECT (SELECT COUNT(*) FROM meetings) + (SELECT COUNT(*) FROM calendar_links)").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := stored()
	if before == 0 {
		t.Fatal("no meeting or calendar stored before the turn-off")
	}

	dash = b.Get(a.base + "/dashboard")
	confirm := b.Get(a.base + browser.Attr(dash.Find(`#feature-calendars a[data-turn-off]`), "href"))
	if got := confirm.Only(t, "#at-google"); !strings.Contains(got, "Google cannot take back one permission") {
		t.Errorf("the confirmation says of Google: %q", got)
	}
	mark := exportAudit(t)
	dash = b.Submit(confirm, `form#turn-off`, nil)
	if got := dash.Only(t, ".flash"); !strings.Contains(got, "Calendars is off") || !strings.Contains(got, "Google cannot take back a single permission") {
		t.Errorf("the flash after turning off says %q", got)
	}
	if got := dash.Only(t, "#feature-calendars .state"); got != "Turned off" {
		t.Errorf("the calendars card says %q, want Turned off", got)
	}
	if n := stored(); n != 0 {
		t.Errorf("%d meetings and calendar links stored after the turn-off, want none (%d before)", n, before)
	}
	if got := b.Get(a.base + "/meetings"); len(got.FindAll(`a[class="title"]`)) != 0 {
		t.Errorf("the meetings page still lists meetings:\n%s", got.Content)
	}
	if got := b.Get(a.base + "/calendars"); len(got.FindAll(`input[name="calendar"]`)) != 0 {
		t.Errorf("the calendars page still offers calendars from Google:\n%s", got.Content)
	}

	// Drive, linked after the turn-off, still reaches Google.
	b.Consent(b.Submit(b.Get(a.base+"/dashboard"), `form[action="/link/recordings"]`, nil), browser.Answer{})
	last := mark[len(mark)-1].Seq
	var after []exported
	deadline = time.Now().Add(20 * time.Second)
	for {
		after = nil
		drive := false
		for _, e := range exportAudit(t) {
			if e.Seq > last {
				after = append(after, e)
				drive = drive || e.Event == "activity" && e.Scope == scopes.DriveReadonly && e.Outcome == "ok"
			}
		}
		if drive {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no Drive call succeeded after the turn-off in 20s: %+v", after)
		}
		time.Sleep(300 * time.Millisecond)
	}
	var suspended, purged int
	for _, e := range after {
		switch {
		case e.Event == "activity" && (e.Scope == scopes.CalendarReadonly || e.Scope == scopes.CalendarEventsReadonly):
			t.Errorf("a calendar request left after the turn-off: %+v", e)
		case e.Event == "suspend" && e.Reason == "turned off: calendars":
			suspended++
		case e.Event == "purge" && e.Purpose == string(scopes.PurposeMeetings) && e.Outcome == "ok":
			purged++
			if e.Items != int64(before) {
				t.Errorf("the purge entry counts %d items, want %d", e.Items, before)
			}
		}
	}
	t.Logf("%d rows purged; %d audit entries after the turn-off", before, len(after))
	if suspended != 2 || purged != 1 {
		t.Errorf("audited %d suspensions and %d purges of calendars, want 2 and 1", suspended, purged)
	}

	// Turned on again, the calendars page reaches Google again.
	dash = b.Submit(b.Get(a.base+"/dashboard"), `form[action="/dashboard/features/calendars/on"]`, nil)
	if got := dash.Only(t, "#feature-calendars .state"); got == "Turned off" {
		t.Errorf("the calendars card still says Turned off after turning it on")
	}
	if got := b.Get(a.base + "/calendars"); len(got.FindAll(`input[name="calendar"]`)) == 0 {
		t.Errorf("the calendars page offers no calendar after turning calendars on again:\n%s", got.Content)
	}
	if err := a.stop(); err != nil {
		t.Errorf("realMain: %v", err)
	}
	if len(errorsLogged(a.stderr.String())) > 0 {
		t.Errorf("errors logged:\n%s", a.stderr)
	}
}
