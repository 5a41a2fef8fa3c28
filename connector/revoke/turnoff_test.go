package revoke_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/revoke"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// TestTurnOffOneFeature: a member who turns calendars off keeps the other
// features; every replica refuses the calendar scopes from then on, only
// the calendars' data is purged, each step is audited, the page can say who
// suspended what and why, and turning the feature on again lifts it.
func TestTurnOffOneFeature(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open func() *sqldb.DB) {
		ctx := context.Background()
		g, a, b, u := twoReplicas(t, open)
		me := revoke.Actor{ID: u.ID, Email: u.Email}

		rep, err := a.svc.TurnOff(ctx, u.ID, scopes.FeatureCalendars, me)
		if err != nil {
			t.Fatalf("TurnOff: %v", err)
		}
		want := revoke.TurnOffReport{Feature: scopes.FeatureCalendars,
			Dropped: []string{scopes.CalendarReadonly, scopes.CalendarEventsReadonly},
			Purged:  map[string]int64{"calendars": 3}, PurgedRows: 3}
		if diff := cmp.Diff(want, rep, cmpopts.SortSlices(func(x, y string) bool { return x < y })); diff != "" {
			t.Errorf("report (-want +got):\n%s", diff)
		}
		if got := b.purger.calls(); len(got) != 0 {
			t.Errorf("replica b purged %v; a did the purge", got)
		}
		if got := a.purger.calls(); !cmp.Equal(got, []string{u.ID}) {
			t.Errorf("calendars purged for %v, want the user", got)
		}

		served := requests(g, u.Email)
		var denied *googlehttp.DeniedError
		if err := b.listCalendars(t, u.ID); !errors.As(err, &denied) || denied.Reason != "suspended" {
			t.Errorf("another replica listed calendars after the feature was turned off: %v", err)
		}
		if n := requests(g, u.Email); n != served {
			t.Errorf("Google served %d requests for a feature turned off", n-served)
		}
		gr, err := b.Grants.Get(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !gr.Usable(scopes.DriveReadonly) || !gr.Usable(scopes.DirectoryReadonly) {
			t.Errorf("turning calendars off made the other features unusable: %+v", gr)
		}

		notes, err := b.svc.Suspensions(ctx, u.ID)
		if err != nil {
			t.Fatalf("Suspensions: %v", err)
		}
		n, ok := notes[scopes.CalendarReadonly]
		if !ok || !n.ByUser() || n.By != me || n.Reason != "turned off: calendars" || !n.At.Equal(a.Clock.Now().Truncate(1000)) {
			t.Errorf("note of calendar.readonly = %+v, %v; want by the user, now, turned off", n, ok)
		}

		// Turning it off again changes nothing and purges again.
		again, err := a.svc.TurnOff(ctx, u.ID, scopes.FeatureCalendars, me)
		if err != nil || len(again.Dropped) != 0 {
			t.Errorf("TurnOff again: %+v, %v; want nothing more dropped", again, err)
		}

		resumed, err := b.svc.TurnOn(ctx, u.ID, scopes.FeatureCalendars, me)
		if err != nil || len(resumed) != 2 {
			t.Fatalf("TurnOn: %v, %v; want both calendar scopes resumed", resumed, err)
		}
		if err := a.listCalendars(t, u.ID); err != nil {
			t.Errorf("listing calendars after turning the feature on again: %v", err)
		}
		if notes, _ := a.svc.Suspensions(ctx, u.ID); len(notes) != 0 {
			t.Errorf("notes left after TurnOn: %+v", notes)
		}

		wantSteps := []step{
			{Event: audit.EventSuspend, Actor: u.ID, Resource: u.ID, Scope: scopes.CalendarReadonly, Outcome: audit.OutcomeOK, Reason: "turned off: calendars"},
			{Event: audit.EventSuspend, Actor: u.ID, Resource: u.ID, Scope: scopes.CalendarEventsReadonly, Outcome: audit.OutcomeOK, Reason: "turned off: calendars"},
			{Event: audit.EventPurge, Actor: u.ID, Resource: u.ID, Outcome: audit.OutcomeOK, Items: 3},
			{Event: audit.EventPurge, Actor: u.ID, Resource: u.ID, Outcome: audit.OutcomeOK, Items: 3},
			{Event: audit.EventResume, Actor: u.ID, Resource: u.ID, Scope: scopes.CalendarReadonly, Outcome: audit.OutcomeOK, Reason: "turned on: calendars"},
			{Event: audit.EventResume, Actor: u.ID, Resource: u.ID, Scope: scopes.CalendarEventsReadonly, Outcome: audit.OutcomeOK, Reason: "turned on: calendars"},
		}
		entries := a.entries(t, u.ID)
		if diff := cmp.Diff(wantSteps, lifecycle(entries, audit.EventSuspend, audit.EventPurge, audit.EventResume)); diff != "" {
			t.Errorf("audit entries (-want +got):\n%s", diff)
		}
		for _, e := range entries {
			if e.Event == audit.EventPurge && e.Purpose != string(scopes.PurposeMeetings) {
				t.Errorf("purge entry's purpose = %q, want meetings", e.Purpose)
			}
		}
	})
}

// TestTurnOnKeepsAnAdminsSuspension: a feature an admin suspended cannot be
// turned on by its user; nothing is resumed, and turning it off leaves the
// admin's note.
func TestTurnOnKeepsAnAdminsSuspension(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := soloReplica(t)
	u := a.signUp(t, 0)
	me := revoke.Actor{ID: u.ID, Email: u.Email}
	if err := a.svc.Suspend(ctx, u.ID, scopes.DriveReadonly, admin, "audit in progress"); err != nil {
		t.Fatal(err)
	}
	rep, err := a.svc.TurnOff(ctx, u.ID, scopes.FeatureRecordings, me)
	if err != nil || len(rep.Dropped) != 0 {
		t.Errorf("TurnOff of a suspended feature: %+v, %v; want nothing dropped", rep, err)
	}
	if _, err := a.svc.TurnOn(ctx, u.ID, scopes.FeatureRecordings, me); !errors.Is(err, revoke.ErrSuspendedByAdmin) {
		t.Errorf("TurnOn of an admin's suspension: %v, want ErrSuspendedByAdmin", err)
	}
	notes, err := a.svc.Suspensions(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n := notes[scopes.DriveReadonly]; n.ByUser() || n.By != admin || n.Reason != "audit in progress" {
		t.Errorf("note = %+v, want the admin's", n)
	}
	if _, err := a.svc.TurnOff(ctx, u.ID, "gmail", me); !errors.Is(err, revoke.ErrUnknownFeature) {
		t.Errorf("TurnOff of an unknown feature: %v, want ErrUnknownFeature", err)
	}
}
