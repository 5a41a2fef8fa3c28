package revoke_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/revoke"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

func TestSuspendAndResume(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open func() *sqldb.DB) {
		ctx := context.Background()
		g, a, b, u := twoReplicas(t, open)

		if err := a.svc.Suspend(ctx, u.ID, "calendar.readonly", admin, ""); err != nil {
			t.Fatalf("Suspend: %v", err)
		}
		if err := a.svc.Suspend(ctx, u.ID, scopes.CalendarReadonly, admin, ""); err != nil {
			t.Fatalf("Suspend again: %v", err)
		}
		served := requests(g, u.Email)
		var denied *googlehttp.DeniedError
		if err := b.listCalendars(t, u.ID); !errors.As(err, &denied) || denied.Reason != "suspended" {
			t.Errorf("another replica listed calendars with calendar.readonly suspended: %v", err)
		}
		if n := requests(g, u.Email); n != served {
			t.Errorf("the fake served %d requests that needed a suspended scope", n-served)
		}
		if err := a.svc.Resume(ctx, u.ID, "calendar.readonly", admin, ""); err != nil {
			t.Fatalf("Resume: %v", err)
		}
		if err := b.listCalendars(t, u.ID); err != nil {
			t.Errorf("listing calendars after the resumption: %v", err)
		}
		want := []step{
			{Event: audit.EventSuspend, Actor: admin.ID, Resource: u.ID, Scope: scopes.CalendarReadonly, Outcome: audit.OutcomeOK},
			{Event: audit.EventSuspend, Actor: admin.ID, Resource: u.ID, Scope: scopes.CalendarReadonly, Outcome: audit.OutcomeOK},
			{Event: audit.EventResume, Actor: admin.ID, Resource: u.ID, Scope: scopes.CalendarReadonly, Outcome: audit.OutcomeOK},
		}
		if diff := cmp.Diff(want, lifecycle(a.entries(t, u.ID), audit.EventSuspend, audit.EventResume)); diff != "" {
			t.Errorf("audit entries (-want +got):\n%s", diff)
		}
	})
}

func TestSuspendErrors(t *testing.T) {
	t.Parallel()
	a := soloReplica(t)
	u := a.signUp(t, 0)
	for _, tc := range []struct {
		name, user, scope string
		want              error
	}{
		{"sign-in scope", u.ID, scopes.OpenID, revoke.ErrUnknownScope},
		{"unknown scope", u.ID, "calendar", revoke.ErrUnknownScope},
		{"not granted", u.ID, "drive.meet.readonly", grant.ErrScopeNotGranted},
		{"no grant", "u-nobody", "drive.readonly", grant.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if err := a.svc.Suspend(context.Background(), tc.user, tc.scope, admin, ""); !errors.Is(err, tc.want) {
				t.Errorf("Suspend: %v, want %v", err, tc.want)
			}
		})
	}
}

// TestSuspensionFoundByItsSubject suspends Zoë's drive scope as an admin,
// with a reason, and checks that a reviewer who filters the trail by Zoë's
// email, as the audit page and the command line do, finds the suspension and
// the resumption, each naming the admin as actor, Zoë as subject, and the
// reason, cleaned to one line.
func TestSuspensionFoundByItsSubject(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open func() *sqldb.DB) {
		ctx := context.Background()
		_, a, _, zoe := twoReplicas(t, open)
		if err := a.svc.Suspend(ctx, zoe.ID, "drive.readonly", admin, "  left the\nteam "); err != nil {
			t.Fatalf("Suspend: %v", err)
		}
		if err := a.svc.Resume(ctx, zoe.ID, "drive.readonly", admin, "back"); err != nil {
			t.Fatalf("Resume: %v", err)
		}
		// Another user's suspension must not show.
		other := a.signUp(t, 1)
		if err := a.svc.Suspend(ctx, other.ID, "drive.readonly", admin, ""); err != nil {
			t.Fatalf("Suspend: %v", err)
		}
		f, err := audit.ParseFilter(url.Values{"user": {zoe.Email}, "scope": {"drive.readonly"}}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := f.ResolveUser(ctx, func(ctx context.Context, email string) (string, error) {
			u, err := a.users.UserByEmail(ctx, email)
			return u.ID, err
		}); err != nil {
			t.Fatal(err)
		}
		type row struct {
			Event                              audit.Event
			Actor, Subject, SubjectEmail, Note string
			Outcome                            audit.Outcome
		}
		var got []row
		for e, err := range a.Trail.Entries(ctx, f) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, row{e.Event, e.ActorEmail, e.SubjectID, e.SubjectEmail, e.ErrorReason, e.Outcome})
		}
		want := []row{
			{audit.EventSuspend, admin.Email, zoe.ID, zoe.Email, "left the team", audit.OutcomeOK},
			{audit.EventResume, admin.Email, zoe.ID, zoe.Email, "back", audit.OutcomeOK},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("entries of Zoë and drive.readonly (-want +got):\n%s", diff)
		}
	})
}

func TestCleanNote(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"", ""}, {"  \t", ""}, {"left\r\nthe team", "left the team"},
		{strings.Repeat("x", revoke.MaxNote+5), strings.Repeat("x", revoke.MaxNote)},
	} {
		if got := revoke.CleanNote(tc.in); got != tc.want {
			t.Errorf("CleanNote(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
