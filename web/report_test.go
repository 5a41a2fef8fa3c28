package web

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/report"
)

var _ PrivilegeReport = report.Builder{}

// reportTime is when the test reports are built: a day into the trail.
var reportTime = logStart.Add(24 * time.Hour)

// newReportHarness serves the report over real grants and a real audit
// trail of 30 requests by bob and alice: bob granted calendar.readonly 40
// days ago and never used it, then calendar.events.readonly (redundant
// next to it) and drive.readonly; alice directory.readonly and
// calendar.events.readonly, and used drive.readonly without holding it;
// rita granted calendar.readonly a minute before the report.
func newReportHarness(t *testing.T) (*harness, *fakeRevocations, *audit.Trail, report.Builder) {
	t.Helper()
	ctx := context.Background()
	trail, db := newTestTrail(t)
	fillTrail(t, trail, 30)
	record := func(at time.Time, user string, granted ...string) {
		if _, err := grant.NewStore(db, func() time.Time { return at }).Record(ctx, user, "client-1", granted); err != nil {
			t.Fatal(err)
		}
	}
	record(logStart.AddDate(0, 0, -40), bob.ID, scopes.CalendarReadonly)
	record(logStart, bob.ID, scopes.CalendarEventsReadonly, scopes.CalendarReadonly, scopes.DriveReadonly)
	record(logStart, alice.ID, scopes.DirectoryReadonly, scopes.CalendarEventsReadonly)
	record(reportTime.Add(-time.Minute), rita.ID, scopes.CalendarReadonly)
	builder := report.Builder{Grants: grant.NewStore(db, nil), Usage: trail, Daily: trail, RequestTrail: trail, Registry: scopes.All(),
		Now: func() time.Time { return reportTime }}
	h := newHarness(t)
	rev := &fakeRevocations{ident: h.ident}
	deps := h.deps()
	deps.Review = &ReviewPages{Audit: trail, Report: builder}
	deps.Revocations = rev
	cfg := h.config()
	cfg.Logger = slog.New(slog.NewTextHandler(h.logs, nil))
	h.serve(cfg, deps)
	return h, rev, trail, builder
}

// TestReportPage renders the least-privilege report and checks each
// finding it must show, explained.
func TestReportPage(t *testing.T) {
	t.Parallel()
	h, _, _, builder := newReportHarness(t)
	h.signIn(rita)
	r := h.get("/report")
	h.expectStatus(r, http.StatusOK)
	want, err := builder.Build(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var aliceDrive int64
	for _, s := range want.Scopes {
		for _, f := range s.Former {
			if s.Name == scopes.DriveReadonly && f.UserID == alice.ID {
				aliceDrive = f.Uses30
			}
		}
	}
	if aliceDrive == 0 {
		t.Fatal("the test trail has no drive.readonly call by alice")
	}

	for sel, want := range map[string]string{
		"#sum-holders":      "6",
		"#sum-unused":       "1",
		"#sum-redundant":    "1",
		"#sum-alternatives": "1",
		// Never used, a month after the grant; a minute after, not yet.
		"#unused tr.unused-row":                           bob.Email + " calendar.readonly 2026-01-20 never used",
		"#unused tr.new-row td.explain":                   "granted 1 minute ago, not used yet",
		"#redundant tbody tr td.user":                     bob.Email,
		"#alternatives td.serves":                         "yes: it allows every method used in the last 30 days",
		"#scope-directory-readonly h2 .tier":              "sensitive",
		"#scope-directory-readonly .holders-count":        "1",
		"#scope-directory-readonly table.holders td.user": alice.Email,
		// Uses next to fewer holders are explained.
		"#scope-drive-readonly ul.former li":            alice.Email + ": " + strconv.FormatInt(aliceDrive, 10) + " uses before the scope left the user's grant",
		"#scope-drive-readonly h2 .tier":                "restricted",
		"#scope-drive-readonly table.methods td.method": "drive.files.get",
		"#scope-drive-readonly .alternative":            "drive.meet.readonly restricted : See and download Drive files created or edited by Google Meet. It allows every method used with this scope in the last 30 days.",
		"#scope-drive-meet-readonly h2":                 "drive.meet.readonly restricted not requested: a narrower alternative",
		"#scope-calendar-events-readonly .purposes":     "meetings",
		"#usage h2": "Scope use, last 30 days",
	} {
		if got := r.TextOf(t, sel); got != want {
			t.Errorf("%s:\n got %q\nwant %q", sel, got, want)
		}
	}
	for _, s := range want.Scopes {
		anchor := "#" + reportPage{}.Anchor(s.Short)
		if got := r.TextOf(t, anchor+" .uses7"); got != strconv.FormatInt(s.Uses7, 10) {
			t.Errorf("%s uses in 7 days: %s, want %d", s.Short, got, s.Uses7)
		}
		if got := r.TextOf(t, anchor+" .uses30"); got != strconv.FormatInt(s.Uses30, 10) {
			t.Errorf("%s uses in 30 days: %s, want %d", s.Short, got, s.Uses30)
		}
	}
	for _, sel := range []string{
		// Each figure links to its rows, and to the audit entries it counts.
		`a[href="#holders"]`, `a[href="#unused"]`, `a[href="#redundant"]`, `a[href="#alternatives"]`, "#holders", "#unused", "#redundant", "#alternatives",
		`#scope-drive-readonly .uses30 a[href="/audit?scope=drive.readonly&since=720h"]`,
		`#scope-drive-readonly table.methods a[href="/audit?method=drive.files.get&scope=drive.readonly&since=720h"]`,
		`#scope-drive-readonly ul.former a[href="/audit?scope=drive.readonly&since=720h&user=u-alice"]`,
		// The chart, its ranges and the table behind it.
		`#usage svg[role="img"][aria-labelledby="usage-calls-title usage-calls-desc"] title#usage-calls-title`,
		`#usage svg desc#usage-bytes-desc`, `#usage a[href="/report?days=7#usage"]`, `#usage a[href="/report?days=90#usage"]`,
		`#usage details table.data th[scope="row"]`,
		`a#export-csv[href="/report.csv"]`, `a#export-json[href="/report.json"]`,
	} {
		if r.Find(sel) == nil {
			t.Errorf("the report has no %s", sel)
		}
	}
	for _, sel := range []string{"#scope-openid", "#scope-email", `form[action="/report/suspend"]`, `form[action="/report/ask"]`} {
		if r.Find(sel) != nil {
			t.Errorf("the report shows %s to a reviewer", sel)
		}
	}
	if bars := r.FindAll("#usage svg rect.bar"); len(bars) == 0 {
		t.Error("the chart of a day with calls draws no bar")
	}

	week := h.get("/report?days=7")
	if got := week.TextOf(t, "#usage h2"); got != "Scope use, last 7 days" {
		t.Errorf("/report?days=7 charts %q", got)
	}
	if n := len(week.FindAll("#usage details tbody tr")); n != 7 {
		t.Errorf("the 7-day table has %d rows", n)
	}
}

// TestReportExports downloads the report as CSV and JSON, by path and by
// ?format=, as a reviewer; a member may not.
func TestReportExports(t *testing.T) {
	t.Parallel()
	h, _, _, _ := newReportHarness(t)
	h.signIn(rita)
	for _, path := range []string{"/report.csv", "/report?format=csv"} {
		r := h.get(path)
		h.expectStatus(r, http.StatusOK)
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Errorf("%s is %s", path, ct)
		}
		lines := strings.Split(r.Content, "\n")
		if lines[0] != strings.Join(report.CSVHeader, ",") {
			t.Errorf("%s starts %q", path, lines[0])
		}
		if !slices.ContainsFunc(lines, func(l string) bool {
			return strings.Contains(l, ",u-bob,bob@example.com,unused,") && strings.Contains(l, "calendar.readonly,")
		}) {
			t.Errorf("%s has no row for bob's unused calendar.readonly:\n%s", path, r.Content)
		}
	}
	for _, path := range []string{"/report.json", "/report?format=json"} {
		r := h.get(path)
		h.expectStatus(r, http.StatusOK)
		var got struct {
			Summary map[string]int `json:"summary"`
		}
		if err := json.Unmarshal([]byte(r.Content), &got); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if got.Summary["unused"] != 1 || got.Summary["redundant"] != 1 || got.Summary["not_yet_used"] != 1 {
			t.Errorf("%s summary = %v", path, got.Summary)
		}
	}
	h.signIn(bob)
	h.expectStatus(h.get("/report.csv"), http.StatusForbidden)
}

// TestReportActions suspends an unused grant and asks a user to narrow
// one, as an admin: each says so, the request is audited and its user
// sees it on their page. A reviewer who is not an admin may do neither.
func TestReportActions(t *testing.T) {
	t.Parallel()
	h, rev, trail, _ := newReportHarness(t)
	h.signIn(rita)
	for _, path := range []string{"/report/suspend", "/report/ask"} {
		h.expectStatus(h.post(path, url.Values{"user": {bob.ID}, "scope": {"calendar.readonly"}}), http.StatusForbidden)
	}

	h.signIn(alice)
	r := h.get("/report")
	if r.Find(`#unused form[action="/report/suspend"] input[name="user"][value="u-bob"]`) == nil {
		t.Fatal("the admin has no button to suspend bob's unused grant")
	}
	res := h.post("/report/suspend", url.Values{"user": {bob.ID}, "scope": {"calendar.readonly"}})
	h.expectStatus(res, http.StatusSeeOther)
	if res.Location() != "/report#unused" {
		t.Errorf("suspending goes to %s", res.Location())
	}
	if got := rev.recorded(); !slices.Equal(got, []string{"suspend u-bob " + scopes.CalendarReadonly + " by u-alice: unused for 30 days (least-privilege report)"}) {
		t.Errorf("revocations asked %q", got)
	}
	if got := h.get("/report").TextOf(t, ".flash"); got != "calendar.readonly is suspended for bob@example.com. Lift it on the Access page if they need it again." {
		t.Errorf("the flash after suspending says %q", got)
	}

	res = h.post("/report/ask", url.Values{"user": {bob.ID}, "scope": {"drive.readonly"}, "note": {"drive.meet.readonly\nwould do"}})
	h.expectStatus(res, http.StatusSeeOther)
	if got := h.get("/report").TextOf(t, ".flash"); !strings.HasPrefix(got, "Asked bob@example.com to narrow drive.readonly.") {
		t.Errorf("the flash after asking says %q", got)
	}
	page, err := trail.Query(context.Background(), audit.Filter{Event: report.EventNarrowRequest})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Entries) != 1 || page.Entries[0].ActorID != alice.ID || page.Entries[0].SubjectID != bob.ID || page.Entries[0].Scope != scopes.DriveReadonly {
		t.Errorf("the audit trail holds %+v; want alice's request to bob about drive.readonly", page.Entries)
	}
	h.expectStatus(h.post("/report/ask", url.Values{"user": {"u-nobody"}, "scope": {"drive.readonly"}}), http.StatusNotFound)
	h.expectStatus(h.post("/report/ask", url.Values{"user": {bob.ID}, "scope": {"cloud-platform"}}), http.StatusBadRequest)

	h.grants.put(grant.Grant{UserID: bob.ID, Scopes: []string{scopes.DriveReadonly}, Status: grant.StatusActive})
	h.signIn(bob)
	me := h.get("/users/me")
	h.expectStatus(me, http.StatusSeeOther)
	mine := h.get(me.Location())
	h.expectStatus(mine, http.StatusOK)
	if got := mine.TextOf(t, ".narrow-request p"); !strings.HasPrefix(got, "A reviewer, alice@example.com, asked you") ||
		!strings.HasSuffix(got, "to narrow the grant of drive.readonly : drive.meet.readonly would do") {
		t.Errorf("bob's page says %q", got)
	}
}
