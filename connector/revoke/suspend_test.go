package revoke_test

import (
	"context"
	"errors"
	"testing"

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

		if err := a.svc.Suspend(ctx, u.ID, "calendar.readonly", admin); err != nil {
			t.Fatalf("Suspend: %v", err)
		}
		if err := a.svc.Suspend(ctx, u.ID, scopes.CalendarReadonly, admin); err != nil {
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
		if err := a.svc.Resume(ctx, u.ID, "calendar.readonly", admin); err != nil {
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
			if err := a.svc.Suspend(context.Background(), tc.user, tc.scope, admin); !errors.Is(err, tc.want) {
				t.Errorf("Suspend: %v, want %v", err, tc.want)
			}
		})
	}
}
