package web

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/identity"
)

// zoe is a member whose access an admin changes.
var zoe = identity.User{ID: "u-zoe", Email: "zoe@example.com", Name: "Zoë Member", Role: identity.RoleMember}

// TestAuditLogBySubject filters the log by Zoë, as the form sends it (by
// id) and as a link may (by email), and checks that it shows Alice
// suspending Zoë's drive scope, Zoë's own call and Zoë's invitation, each
// person by name with their email in the title, even where the entry holds
// only an id, and no entry of anyone else; the suspension's page shows the
// resource, Zoë's id, as her email.
func TestAuditLogBySubject(t *testing.T) {
	t.Parallel()
	trail, _ := newTestTrail(t)
	ctx := context.Background()
	for _, e := range []audit.Entry{
		{Event: audit.EventInvite, ActorID: alice.ID, ActorEmail: alice.Email, SubjectEmail: zoe.Email, Resource: "invitation=i1"},
		{Event: audit.EventActivity, ActorID: zoe.ID, Scope: scopes.DriveReadonly, MethodName: "drive.files.list"},
		{Event: audit.EventActivity, ActorID: bob.ID, ActorEmail: bob.Email, Scope: scopes.DriveReadonly, MethodName: "drive.files.list"},
		// As connector/revoke writes them: the user's id in Resource too,
		// and here no email, so that the page must find it.
		{Event: audit.EventSuspend, ActorID: alice.ID, SubjectID: zoe.ID, Resource: zoe.ID, Scope: scopes.DriveReadonly,
			ErrorReason: "left the team"},
		{Event: audit.EventSuspend, ActorID: alice.ID, ActorEmail: alice.Email, SubjectID: bob.ID, Resource: bob.ID, Scope: scopes.DriveReadonly},
	} {
		if _, err := trail.Append(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	h := newReviewHarness(t, trail, nil)
	h.ident.put(zoe)
	h.signIn(rita)
	for _, user := range []string{zoe.ID, zoe.Email} {
		r := h.get("/audit?" + url.Values{"user": {user}}.Encode())
		h.expectStatus(r, http.StatusOK)
		if diff := cmp.Diff([]string{"4", "2", "1"}, shownSeqs(r)); diff != "" {
			t.Errorf("user=%s: entries (-want +got):\n%s", user, diff)
		}
		h.expectText(r, map[string]string{
			"#entry-4 .actor":   alice.Name,
			"#entry-4 .subject": zoe.Name,
			"#entry-4 .event":   "suspend",
			"#entry-4 .scope":   "drive.readonly",
			"#entry-4 .reason":  "left the team",
			"#entry-2 .actor":   zoe.Name,
			"#entry-1 .subject": zoe.Name,
		})
		for sel, want := range map[string]string{"#entry-4 .actor": alice.Email, "#entry-4 .subject": zoe.Email, "#entry-1 .subject": zoe.Email} {
			if got := browser.Attr(r.Find(sel), "title"); !strings.Contains(got, want) {
				t.Errorf("user=%s: %s has title %q, want %s in it", user, sel, got, want)
			}
		}
	}
	// The scope filter with the user keeps the suspension.
	r := h.get("/audit?" + url.Values{"user": {zoe.ID}, "scope": {"drive.readonly"}, "event": {"suspend"}}.Encode())
	if diff := cmp.Diff([]string{"4"}, shownSeqs(r)); diff != "" {
		t.Errorf("Zoë's drive suspensions (-want +got):\n%s", diff)
	}
	entry := h.get(href(r, "#entry-4 .time a"))
	h.expectStatus(entry, http.StatusOK)
	h.expectText(entry, map[string]string{
		"#field-resource td": zoe.Email + " (" + zoe.ID + ")",
		"#field-subject td":  zoe.Name + " <" + zoe.Email + "> " + zoe.ID,
	})
}

// TestExportName checks the export's file names: the time range and the
// filters, in safe characters only.
func TestExportName(t *testing.T) {
	t.Parallel()
	names := newEmails([]identity.User{zoe})
	day := func(m, d int) time.Time { return time.Date(2026, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		f    audit.Filter
		want string
	}{
		{audit.Filter{}, "scopetrail-audit"},
		{audit.Filter{Since: day(11, 1), Until: day(12, 1), Scope: scopes.DriveReadonly},
			"scopetrail-audit-2026-11-01_2026-12-01-scope-drive.readonly"},
		{audit.Filter{Since: time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)}, "scopetrail-audit-2026-03-01T0930Z_now"},
		{audit.Filter{Until: day(3, 2), UserID: zoe.ID, Event: audit.EventSuspend, Outcome: audit.OutcomeOK, Raw: true},
			"scopetrail-audit-start_2026-03-02-user-zoe@example.com-event-suspend-outcome-ok-raw"},
		{audit.Filter{UserID: "u-gone", Method: "drive.files.get", Purpose: "recordings"},
			"scopetrail-audit-user-u-gone-method-drive.files.get-purpose-recordings"},
		{audit.Filter{Scope: "https://www.googleapis.com/auth/unknown", Method: `a"b/c\d;ü`},
			"scopetrail-audit-scope-https___www.googleapis.com_auth_unknown-method-a_b_c_d__"},
	} {
		if got := exportName(tc.f, names); got != tc.want {
			t.Errorf("exportName(%+v) = %q, want %q", tc.f, got, tc.want)
		}
	}
}

// TestAuditExportSpreadsheetSafe exports an entry whose fields a
// spreadsheet would run as formulas: the CSV holds each behind a quote,
// the JSON Lines export holds it exactly.
func TestAuditExportSpreadsheetSafe(t *testing.T) {
	t.Parallel()
	trail, _ := newTestTrail(t)
	const evil = "=cmd|' /C calc'!A0"
	if _, err := trail.Append(context.Background(), audit.Entry{Event: audit.EventActivity, ActorID: "@SUM(A1)",
		Resource: evil, ErrorReason: "-1+2", Scope: scopes.DriveReadonly}); err != nil {
		t.Fatal(err)
	}
	h := newReviewHarness(t, trail, nil)
	h.signIn(rita)
	for _, tt := range []struct {
		format string
		read   func(t *testing.T, body io.Reader) []map[string]string
		want   map[string]string
	}{
		{"csv", readCSV, map[string]string{"actor_id": "'@SUM(A1)", "resource": "'" + evil, "error_reason": "'-1+2"}},
		{"jsonl", readJSONL, map[string]string{"actor_id": "@SUM(A1)", "resource": evil, "error_reason": "-1+2"}},
	} {
		res, err := h.browser.Client().Get(h.ts.URL + "/audit/export." + tt.format + "?scope=drive.readonly")
		if err != nil {
			t.Fatal(err)
		}
		recs := tt.read(t, res.Body)
		res.Body.Close()
		if len(recs) != 1 {
			t.Fatalf("%s: %d records", tt.format, len(recs))
		}
		got := map[string]string{}
		for k := range tt.want {
			got[k] = recs[0][k]
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s export (-want +got):\n%s", tt.format, diff)
		}
		if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="scopetrail-audit-scope-drive.readonly.`+tt.format+`"` {
			t.Errorf("%s: Content-Disposition %q", tt.format, cd)
		}
	}
}
