package web

import (
	"context"
	"crypto/ed25519"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/report"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

var _ AuditLog = (*audit.Trail)(nil)

// auditKey is the fixed key that signs the test trails' checkpoints.
var auditKey = ed25519.NewKeyFromSeed([]byte("scopetrail-web-audit-test-seed-1"))

// minuteClock is a clock that moves one minute each time it is read.
type minuteClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *minuteClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Minute)
	return c.t
}

// logStart is just before the first entry of every test trail.
var logStart = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// newTestTrail returns a trail on a fresh SQLite database, checkpointed
// every 5 entries, on a clock that starts at logStart.
func newTestTrail(t *testing.T) (*audit.Trail, *sqldb.DB) {
	t.Helper()
	db := sqldbtest.SQLite(t)
	clock := &minuteClock{t: logStart}
	return audit.New(db, audit.Options{Replica: "r1", Signer: auditKey, CheckpointEvery: 5, Now: clock.Now}), db
}

// fillTrail writes n requests: mostly calls that succeed, every seventh a
// refusal, every eleventh a call that fails, and the last one left in
// flight. Users, scopes and purposes take turns.
func fillTrail(t *testing.T, trail *audit.Trail, n int) {
	t.Helper()
	ctx := context.Background()
	users := []struct{ id, email string }{{bob.ID, bob.Email}, {alice.ID, alice.Email}}
	calls := []struct {
		scope, method, purpose string
	}{
		{scopes.DirectoryReadonly, "people.people.listDirectoryPeople", string(scopes.PurposeInvite)},
		{scopes.CalendarEventsReadonly, "calendar.events.list", string(scopes.PurposeMeetings)},
		{scopes.DriveReadonly, "drive.files.get", string(scopes.PurposeRecordings)},
	}
	for i := range n {
		u, c := users[i%len(users)], calls[i%len(calls)]
		e := audit.Entry{ActorID: u.id, ActorEmail: u.email, ClientID: "client-1", Event: audit.EventActivity,
			APIName: strings.Split(c.method, ".")[0], MethodName: c.method, Scope: c.scope, Purpose: c.purpose,
			Resource: "item=" + string(rune('a'+i%26)), RequestID: "req"}
		if i%7 == 6 {
			e.Event, e.Outcome, e.ErrorReason = audit.EventDeny, audit.OutcomeDenied, "scope_suspended"
			if _, err := trail.Append(ctx, e); err != nil {
				t.Fatal(err)
			}
			continue
		}
		b, err := trail.Begin(ctx, e)
		if err != nil {
			t.Fatal(err)
		}
		if i == n-1 {
			break
		}
		res := audit.Result{Outcome: audit.OutcomeOK, HTTPStatus: 200, NumResponseBytes: 512, Items: 3, Latency: 40 * time.Millisecond}
		if i%11 == 10 {
			res = audit.Result{Outcome: audit.OutcomeError, HTTPStatus: 503, ErrorReason: "backendError"}
		}
		if _, err := trail.Complete(ctx, b, res); err != nil {
			t.Fatal(err)
		}
	}
}

// newReviewHarness starts a harness whose server reads log and builds its
// reports with rep; a nil rep is a real report over an empty database, for
// the tests that do not read it.
func newReviewHarness(t *testing.T, log AuditLog, rep PrivilegeReport) *harness {
	t.Helper()
	if rep == nil {
		db := sqldbtest.SQLite(t)
		rep = report.Builder{Grants: grant.NewStore(db, nil), Usage: audit.New(db, audit.Options{}), Registry: scopes.All()}
	}
	h := newHarness(t)
	deps := h.deps()
	deps.Review = &ReviewPages{Audit: log, Report: rep}
	h.serve(h.config(), deps)
	return h
}

// newTrailHarness is a review harness over a trail of n requests, with the
// least-privilege report built from the harness's grants.
func newTrailHarness(t *testing.T, n int) (*harness, *audit.Trail, *sqldb.DB) {
	t.Helper()
	trail, db := newTestTrail(t)
	fillTrail(t, trail, n)
	rep := report.Builder{Grants: grant.NewStore(db, nil), Usage: trail, Registry: scopes.All(),
		Now: func() time.Time { return logStart.Add(24 * time.Hour) }}
	return newReviewHarness(t, trail, rep), trail, db
}

// TestReviewAccess checks that reviewers and admins read the reviewer's
// pages, members are refused and visitors are sent to sign in.
func TestReviewAccess(t *testing.T) {
	t.Parallel()
	paths := []string{"/audit", "/audit/export.csv", "/audit/export.jsonl", "/audit/chain", "/audit/pubkey.pem", "/report"}
	for _, tt := range []struct {
		name    string
		as      identity.User // the zero User stays anonymous
		want    int
		navLink bool
	}{
		{"visitor", identity.User{}, http.StatusSeeOther, false},
		{"member", bob, http.StatusForbidden, false},
		{"reviewer", rita, http.StatusOK, true},
		{"admin", alice, http.StatusOK, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h, _, _ := newTrailHarness(t, 3)
			if tt.as.ID != "" {
				h.signIn(tt.as)
			}
			for _, p := range paths {
				if r := h.get(p); r.StatusCode != tt.want {
					t.Errorf("GET %s: status %d, want %d", p, r.StatusCode, tt.want)
				}
			}
			if tt.as.ID == "" {
				return
			}
			dash := h.get("/dashboard")
			for _, link := range []string{`nav a[href="/audit"]`, `nav a[href="/report"]`} {
				if got := dash.Find(link) != nil; got != tt.navLink {
					t.Errorf("dashboard has %s: %v, want %v", link, got, tt.navLink)
				}
			}
		})
	}
}

// shownSeqs returns the seqs of the entries an audit log page lists.
func shownSeqs(r *browser.Page) []string {
	var out []string
	for _, tr := range r.FindAll("table.audit tbody tr") {
		out = append(out, strings.TrimPrefix(browser.Attr(tr, "id"), "entry-"))
	}
	return out
}

// seqString is an entry's seq as the log shows it in a row's id.
func seqString(e audit.Entry) string { return strconv.FormatInt(e.Seq, 10) }

// matching returns, newest first, the seqs of the entries of trail that
// keep says to show.
func matching(t *testing.T, trail *audit.Trail, raw bool, keep func(audit.Entry) bool) []string {
	t.Helper()
	var out []string
	for e, err := range trail.Entries(context.Background(), audit.Filter{Raw: raw}) {
		if err != nil {
			t.Fatal(err)
		}
		if keep(e) {
			out = append([]string{seqString(e)}, out...)
		}
	}
	return out
}

func TestAuditLogFilters(t *testing.T) {
	t.Parallel()
	h, trail, _ := newTrailHarness(t, 40)
	h.signIn(rita)
	from, before := logStart.Add(20*time.Minute), logStart.Add(45*time.Minute)
	tests := []struct {
		name  string
		query url.Values
		raw   bool
		keep  func(audit.Entry) bool
	}{
		{"user", url.Values{"user": {bob.ID}}, false, func(e audit.Entry) bool { return e.ActorID == bob.ID }},
		{"scope by name", url.Values{"scope": {scopes.DriveReadonly}}, false, func(e audit.Entry) bool { return e.Scope == scopes.DriveReadonly }},
		{"scope by short name", url.Values{"scope": {"directory.readonly"}}, false, func(e audit.Entry) bool { return e.Scope == scopes.DirectoryReadonly }},
		{"method", url.Values{"method": {"calendar.events.list"}}, false, func(e audit.Entry) bool { return e.MethodName == "calendar.events.list" }},
		{"purpose", url.Values{"purpose": {"invite"}}, false, func(e audit.Entry) bool { return e.Purpose == "invite" }},
		{"event", url.Values{"event": {"deny"}}, false, func(e audit.Entry) bool { return e.Event == audit.EventDeny }},
		{"outcome error", url.Values{"outcome": {"error"}}, false, func(e audit.Entry) bool { return e.Outcome == audit.OutcomeError }},
		{"outcome unknown", url.Values{"outcome": {"unknown"}}, false, func(e audit.Entry) bool { return e.Outcome == audit.OutcomeUnknown }},
		{"time range", url.Values{"since": {from.Format("2006-01-02T15:04")}, "until": {before.Format("2006-01-02T15:04")}}, false,
			func(e audit.Entry) bool { return !e.Time.Before(from) && e.Time.Before(before) }},
		// The command line's rules, which the page did not follow before
		// both read filters with audit.ParseFilter: a user by email, a
		// time as a duration back from now.
		{"user by email", url.Values{"user": {bob.Email}}, false, func(e audit.Entry) bool { return e.ActorID == bob.ID }},
		{"since RFC 3339, until a duration back from now", url.Values{"since": {from.Format(time.RFC3339)}, "until": {"1h"}}, false,
			func(e audit.Entry) bool { return !e.Time.Before(from) }},
		{"several", url.Values{"user": {alice.ID}, "outcome": {"ok"}, "purpose": {"meetings"}}, false, func(e audit.Entry) bool {
			return e.ActorID == alice.ID && e.Outcome == audit.OutcomeOK && e.Purpose == "meetings"
		}},
		{"raw", url.Values{"raw": {"1"}, "outcome": {"pending"}}, true, func(e audit.Entry) bool { return e.Outcome == audit.OutcomePending }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := h.get("/audit?" + tt.query.Encode())
			h.expectStatus(r, http.StatusOK)
			want := matching(t, trail, tt.raw, tt.keep)
			if len(want) == 0 {
				t.Fatal("the test trail has no entry for this filter")
			}
			if diff := cmp.Diff(want, shownSeqs(r)); diff != "" {
				t.Errorf("entries shown (-want +got):\n%s", diff)
			}
			for _, sel := range []string{"a#export-csv", "a#export-jsonl"} {
				u, _ := url.Parse(browser.Attr(r.Find(sel), "href"))
				if diff := cmp.Diff(tt.query, u.Query()); diff != "" {
					t.Errorf("%s keeps the filters (-want +got):\n%s", sel, diff)
				}
			}
		})
	}
	t.Run("links from before since and until had their names", func(t *testing.T) {
		t.Parallel()
		q := url.Values{"from": {from.Format("2006-01-02T15:04")}, "before": {before.Format("2006-01-02T15:04")}}
		r := h.get("/audit?" + q.Encode())
		h.expectStatus(r, http.StatusOK)
		want := matching(t, trail, false, func(e audit.Entry) bool { return !e.Time.Before(from) && e.Time.Before(before) })
		if diff := cmp.Diff(want, shownSeqs(r)); diff != "" {
			t.Errorf("entries shown for from= and before= (-want +got):\n%s", diff)
		}
	})
	t.Run("form keeps the filters", func(t *testing.T) {
		t.Parallel()
		r := h.get("/audit?user=" + bob.ID + "&scope=drive.readonly&method=drive.files.get&event=activity&outcome=ok&purpose=recordings")
		for sel, want := range map[string]string{
			`select[name=user] option[selected]`:    bob.Email,
			`select[name=scope] option[selected]`:   "drive.readonly",
			`select[name=method] option[selected]`:  "drive.files.get",
			`select[name=event] option[selected]`:   "activity",
			`select[name=purpose] option[selected]`: "recordings",
			`select[name=outcome] option[selected]`: "ok",
		} {
			if got := r.TextOf(t, sel); got != want {
				t.Errorf("%s: %q, want %q", sel, got, want)
			}
		}
		row := r.Find("table.audit tbody tr")
		for sel, want := range map[string]string{"td.actor": bob.Name, "td.scope": "drive.readonly", "td.method": "drive.files.get",
			"td.purpose": "recordings", "td.outcome": "ok 200", "td.bytes": "512"} {
			if got := browser.Text(browser.FindAllIn(row, sel)[0]); got != want {
				t.Errorf("row %s: %q, want %q", sel, got, want)
			}
		}
	})
	for _, q := range []string{"scope=drive", "purpose=%3Cb%3E", "outcome=maybe", "since=yesterday", "since=2026-03-02&until=2026-03-01",
		"user=%3Cscript%3E", "user=nobody@example.com", "older=abc", "newer=-1"} {
		t.Run("invalid "+q, func(t *testing.T) {
			t.Parallel()
			r := h.get("/audit?" + q)
			h.expectStatus(r, http.StatusBadRequest)
			if r.Find("main p") == nil {
				t.Errorf("no message:\n%s", r.Content)
			}
		})
	}
}

// TestAuditLogOneRowPerRequest checks what a reviewer reads of a small
// trail: one row per request, its pending and outcome entries joined,
// people by name, a request still in flight as pending and one whose
// outcome never came as unknown; each row opens the entry's page, which
// shows both entries of a request field by field, their hashes and their
// place in the chain.
func TestAuditLogOneRowPerRequest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := sqldbtest.SQLite(t)
	clock := &minuteClock{t: time.Now().Add(-time.Hour)}
	trail := audit.New(db, audit.Options{Replica: "r1", Signer: auditKey, CheckpointEvery: 100, Now: clock.Now})
	call := audit.Entry{ActorID: bob.ID, ActorEmail: bob.Email, Event: audit.EventActivity, APIName: "calendar",
		MethodName: "calendar.events.list", Scope: scopes.CalendarEventsReadonly, Purpose: string(scopes.PurposeMeetings),
		Resource: "calendarId=primary", RequestID: "req-1"}
	b, err := trail.Begin(ctx, call)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := trail.Complete(ctx, b, audit.Result{Outcome: audit.OutcomeOK, HTTPStatus: 200, NumResponseBytes: 512, Items: 3}); err != nil {
		t.Fatal(err)
	}
	if _, err := trail.Append(ctx, audit.Entry{ActorID: alice.ID, Event: audit.EventDeny, Outcome: audit.OutcomeDenied,
		APIName: "drive", MethodName: "drive.files.list", Scope: scopes.DriveReadonly, Purpose: string(scopes.PurposeRecordings),
		ErrorReason: "scope_suspended"}); err != nil {
		t.Fatal(err)
	}
	if _, err := trail.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := trail.Append(ctx, audit.Entry{ActorID: alice.ID, Event: audit.EventSuspend, SubjectID: bob.ID,
		Scope: scopes.DriveReadonly, ErrorReason: "left the team"}); err != nil {
		t.Fatal(err)
	}
	if _, err := trail.Begin(ctx, call); err != nil { // the process stops before its outcome
		t.Fatal(err)
	}
	clock.mu.Lock()
	clock.t = time.Now().Add(-2 * time.Minute)
	clock.mu.Unlock()
	if _, err := trail.Begin(ctx, call); err != nil { // still in flight
		t.Fatal(err)
	}
	h := newReviewHarness(t, trail, nil)
	h.signIn(rita)

	r := h.get("/audit")
	h.expectStatus(r, http.StatusOK)
	if diff := cmp.Diff([]string{"6", "5", "4", "3", "1"}, shownSeqs(r)); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	h.expectText(r, map[string]string{
		"#entry-1 .actor":   bob.Name,
		"#entry-1 .scope":   "calendar.events.readonly",
		"#entry-1 .method":  "calendar.events.list",
		"#entry-1 .purpose": "meetings",
		"#entry-1 .outcome": "ok 200",
		"#entry-1 .bytes":   "512",
		"#entry-3 .actor":   alice.Name,
		"#entry-3 .method":  "drive.files.list deny",
		"#entry-3 .outcome": "denied",
		"#entry-3 .reason":  "scope_suspended",
		"#entry-4 .subject": bob.Name,
		"#entry-4 .method":  "suspend",
		"#entry-4 .reason":  "left the team",
		"#entry-5 .outcome": "unknown",
		"#entry-5 .reason":  "no outcome recorded",
		"#entry-6 .outcome": "pending",
	})
	for _, seq := range shownSeqs(r) {
		if got := href(r, "#entry-"+seq+" .time a"); got != "/audit/entries/"+seq {
			t.Errorf("row %s links to %q", seq, got)
		}
	}
	for outcome, want := range map[string][]string{"pending": {"6"}, "unknown": {"5"}} {
		if diff := cmp.Diff(want, shownSeqs(h.get("/audit?outcome="+outcome))); diff != "" {
			t.Errorf("outcome %s (-want +got):\n%s", outcome, diff)
		}
	}

	begin := h.get(href(r, "#entry-1 .time a"))
	h.expectStatus(begin, http.StatusOK)
	h.expectText(begin, map[string]string{
		"h1":                   "Audit entry 1",
		"#column-1":            "Pending entry 1",
		"#column-2":            "Outcome entry 2",
		"#field-outcome":       "pending ok",
		"#field-http_status":   "0 200",
		"#field-actor td":      bob.Name + " <" + bob.Email + "> " + bob.ID,
		"#field-resource td":   "calendarId=primary",
		"#chain-seq":           "1 of 6",
		"#chain-checkpoint":    "checkpoint 1, signed",
		"#entry-next":          "Entry 2",
		"#field-ref_seq td+td": "1",
	})
	if n := len(browser.Text(begin.Find("#field-hash td"))); n < 32 {
		t.Errorf("the entry's hash is %d characters", n)
	}
	if begin.Find("#entry-prev") != nil {
		t.Error("entry 1 links to an entry before it")
	}
	outcome := h.get(href(begin, "#column-2 a"))
	h.expectStatus(outcome, http.StatusOK)
	h.expectText(outcome, map[string]string{"h1": "Audit entry 2", "#entry-prev": "Entry 1", "#chain-checkpoint": "up to entry 3"})
	if got := href(outcome, "#field-ref_seq a"); got != "/audit/entries/1" {
		t.Errorf("the outcome entry's ref_seq links to %q", got)
	}
	for seq, note := range map[string]string{"5": "never recorded", "6": "not recorded yet"} {
		p := h.get("/audit/entries/" + seq)
		h.expectText(p, map[string]string{"#request-note": note, "#chain-checkpoint": "no signed checkpoint yet"})
		if p.Find("#entry-next") != nil == (seq == "6") {
			t.Errorf("entry %s: a next link %v", seq, p.Find("#entry-next") != nil)
		}
	}
	for path, status := range map[string]int{"/audit/entries/7": http.StatusNotFound, "/audit/entries/abc": http.StatusBadRequest,
		"/audit/entries/0": http.StatusBadRequest, "/audit/entries/01": http.StatusBadRequest, "/audit/entries/-1": http.StatusBadRequest} {
		h.expectStatus(h.get(path), status)
	}
}
