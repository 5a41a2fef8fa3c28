package web

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/report"
)

var _ PrivilegeReport = report.Builder{}

// TestReportPage renders the least-privilege report over real grants and a
// real audit trail and checks each finding it must show.
func TestReportPage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	trail, db := newTestTrail(t)
	fillTrail(t, trail, 30)
	grants := grant.NewStore(db, func() time.Time { return logStart })
	for user, granted := range map[string][]string{
		bob.ID:   {scopes.CalendarEventsReadonly, scopes.CalendarReadonly, scopes.DriveReadonly},
		alice.ID: {scopes.DirectoryReadonly, scopes.CalendarEventsReadonly},
		rita.ID:  {scopes.CalendarReadonly},
	} {
		if _, err := grants.Record(ctx, user, "client-1", granted); err != nil {
			t.Fatal(err)
		}
	}
	builder := report.Builder{Grants: grants, Usage: trail, Registry: scopes.All(),
		Now: func() time.Time { return logStart.Add(24 * time.Hour) }}
	h := newReviewHarness(t, trail, builder)
	h.signIn(rita)
	r := h.get("/report")
	h.expectStatus(r, http.StatusOK)

	for sel, want := range map[string]string{
		"#scope-directory-readonly h2 .tier":              "sensitive",
		"#scope-directory-readonly .holders-count":        "1",
		"#scope-directory-readonly table.holders td.user": alice.Email,
		"#scope-calendar-events-readonly ul.redundant li": bob.Email + " also holds calendar.readonly , which allows every method calendar.events.readonly allows.",
		"#scope-calendar-readonly ul.unused":              bob.Email + ": never used " + rita.Email + ": never used",
		"#scope-drive-readonly h2 .tier":                  "restricted",
		"#scope-drive-readonly table.methods td.method":   "drive.files.get",
		"#scope-drive-readonly .alternative":              "drive.meet.readonly restricted : See and download Drive files created or edited by Google Meet. It allows every method used with this scope in the last 30 days.",
		"#scope-drive-meet-readonly h2":                   "drive.meet.readonly restricted not requested: a narrower alternative",
		"#scope-calendar-events-readonly .purposes":       "meetings",
	} {
		if got := r.TextOf(t, sel); got != want {
			t.Errorf("%s:\n got %q\nwant %q", sel, got, want)
		}
	}
	want, err := builder.Build(ctx)
	if err != nil {
		t.Fatal(err)
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
	for _, sel := range []string{"#scope-openid", "#scope-email", "#scope-directory-readonly ul.redundant"} {
		if r.Find(sel) != nil {
			t.Errorf("the report shows %s", sel)
		}
	}
}

// TestReportPageFailure checks that a report that cannot be built is a
// server error.
func TestReportPageFailure(t *testing.T) {
	t.Parallel()
	trail, _ := newTestTrail(t)
	h := newReviewHarness(t, trail, report.Builder{Grants: failingGrants{}, Usage: trail})
	h.signIn(alice)
	h.expectStatus(h.get("/report"), http.StatusInternalServerError)
}

// failingGrants cannot list grants.
type failingGrants struct{}

func (failingGrants) List(context.Context) ([]grant.Grant, error) { return nil, errDatabaseDown }
