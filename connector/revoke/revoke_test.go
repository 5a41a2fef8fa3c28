package revoke_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/scopetrail/scopetrail/connector/revoke"
	"github.com/scopetrail/scopetrail/connector/tokens"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// step is an audit entry reduced to what these tests check.
type step struct {
	Event    audit.Event
	Actor    string
	Resource string
	Method   string
	Scope    string
	Outcome  audit.Outcome
	Reason   string
	Items    int64
}

// lifecycle returns the user's entries of the given events, reduced.
func lifecycle(es []audit.Entry, events ...audit.Event) []step {
	var out []step
	for _, e := range es {
		if slices.Contains(events, e.Event) {
			out = append(out, step{e.Event, e.ActorID, e.Resource, e.MethodName, e.Scope, e.Outcome, e.ErrorReason, e.Items})
		}
	}
	return out
}

// purged is what the replicas' purgers report for one purge.
var purged = map[string]int64{"calendars": 3, "directory": 2}

func TestRevokeStopsEveryReplica(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open func() *sqldb.DB) {
		ctx := context.Background()
		g, a, b, u := twoReplicas(t, open)
		if err := b.listCalendars(t, u.ID); err != nil {
			t.Fatalf("listing calendars before the revocation: %v", err)
		}

		got, err := a.svc.Revoke(ctx, u.ID, admin, "left the company")
		if err != nil {
			t.Fatalf("Revoke: %v", err)
		}
		want := revoke.Report{UserID: u.ID, HadGrant: true, Google: revoke.GoogleRevoked, TokensDeleted: true,
			SessionsEnded: 1, Purged: purged, PurgedRows: 5}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Report (-want +got):\n%s", diff)
		}

		served := assertCut(t, g, u, map[string]*replica{"this replica": a, "another replica": b})
		if honours(t, g, u.token) {
			t.Error("Google still honours the user's refresh token")
		}
		if gr, err := b.Grants.Get(ctx, u.ID); err != nil || gr.Status != grant.StatusRevoked || gr.Reason != "left the company" {
			t.Errorf("grant = %s %q, %v; want revoked, with the reason", gr.Status, gr.Reason, err)
		}
		if _, err := b.tokens.Load(ctx, u.ID); !errors.Is(err, tokens.ErrNotFound) {
			t.Errorf("token after the revocation: %v, want ErrNotFound", err)
		}
		if _, _, err := b.users.Session(ctx, u.session); !errors.Is(err, identity.ErrNotFound) {
			t.Errorf("session after the revocation: %v, want ErrNotFound", err)
		}
		if diff := cmp.Diff([]string{u.ID}, a.purger.calls()); diff != "" {
			t.Errorf("purged users (-want +got):\n%s", diff)
		}

		again, err := b.svc.Revoke(ctx, u.ID, admin, "again")
		if err != nil {
			t.Fatalf("second Revoke: %v", err)
		}
		want = revoke.Report{UserID: u.ID, HadGrant: true, WasRevoked: true, Google: revoke.GoogleNoToken, TokensDeleted: true,
			Purged: purged, PurgedRows: 5}
		if diff := cmp.Diff(want, again); diff != "" {
			t.Errorf("second Report (-want +got):\n%s", diff)
		}
		if n := requests(g, u.Email); n != served {
			t.Errorf("the second revocation sent %d requests to Google", n-served)
		}
		if gr, _ := a.Grants.Get(ctx, u.ID); gr.Reason != "left the company" {
			t.Errorf("the second revocation changed the reason to %q", gr.Reason)
		}

		wantSteps := []step{
			{Event: audit.EventRevoke, Actor: u.ID, Method: "oauth2.revoke", Outcome: audit.OutcomeOK},
			{Event: audit.EventPurge, Actor: admin.ID, Resource: u.ID, Outcome: audit.OutcomeOK, Items: 5},
			{Event: audit.EventRevoke, Actor: admin.ID, Resource: u.ID, Outcome: audit.OutcomeOK, Reason: "left the company"},
			{Event: audit.EventDeny, Actor: u.ID, Method: "calendar.calendarList.list", Outcome: audit.OutcomeDenied, Reason: "revoked"},
			{Event: audit.EventDeny, Actor: u.ID, Method: "calendar.calendarList.list", Outcome: audit.OutcomeDenied, Reason: "revoked"},
			{Event: audit.EventPurge, Actor: admin.ID, Resource: u.ID, Outcome: audit.OutcomeOK, Items: 5},
			{Event: audit.EventRevoke, Actor: admin.ID, Resource: u.ID, Outcome: audit.OutcomeOK, Reason: "again"},
		}
		got2 := lifecycle(a.entries(t, u.ID), audit.EventRevoke, audit.EventPurge, audit.EventDeny)
		if diff := cmp.Diff(wantSteps, got2, cmpopts.IgnoreFields(step{}, "Scope")); diff != "" {
			t.Errorf("audit entries (-want +got):\n%s", diff)
		}
	})
}

func TestRevokeEdges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := soloReplica(t)

	t.Run("unknown user", func(t *testing.T) {
		if _, err := a.svc.Revoke(ctx, "u-nobody", admin, ""); !errors.Is(err, identity.ErrNotFound) {
			t.Errorf("Revoke: %v, want identity.ErrNotFound", err)
		}
	})
	t.Run("signed in, never linked", func(t *testing.T) {
		u, err := a.users.SignIn(ctx, "sub-new", "new@example.test", "New", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.users.CreateSession(ctx, u.ID, time.Hour); err != nil {
			t.Fatal(err)
		}
		got, err := a.svc.Revoke(ctx, u.ID, admin, "")
		if err != nil {
			t.Fatalf("Revoke: %v", err)
		}
		want := revoke.Report{UserID: u.ID, Google: revoke.GoogleNoToken, TokensDeleted: true, SessionsEnded: 1, Purged: purged, PurgedRows: 5}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Report (-want +got):\n%s", diff)
		}
	})
	t.Run("a purger fails", func(t *testing.T) {
		u := a.signUp(t, 2)
		broken := errors.New("disk full")
		other := &countingPurger{name: "other", rows: 7}
		svc, err := revoke.New(revoke.Options{DB: a.DB, Grants: a.Grants, Tokens: a.tokens, Users: a.users, Trail: a.Trail,
			Google: a.Door, Purgers: []revoke.Purger{&countingPurger{name: "broken", err: broken}, other}})
		if err != nil {
			t.Fatal(err)
		}
		got, err := svc.Revoke(ctx, u.ID, admin, "")
		if !errors.Is(err, broken) {
			t.Errorf("Revoke: %v, want the purger's error", err)
		}
		if got.Google != revoke.GoogleRevoked || !got.TokensDeleted || got.PurgedRows != 7 {
			t.Errorf("Report = %+v, want Google revoked, tokens deleted, 7 rows purged", got)
		}
		if gr, _ := a.Grants.Get(ctx, u.ID); gr.Status != grant.StatusRevoked {
			t.Errorf("grant %s, want revoked", gr.Status)
		}
		want := []step{
			{Event: audit.EventPurge, Actor: admin.ID, Resource: u.ID, Outcome: audit.OutcomeError, Reason: "failed: broken", Items: 7},
			{Event: audit.EventRevoke, Actor: admin.ID, Resource: u.ID, Outcome: audit.OutcomeError, Reason: "revoked"},
		}
		if diff := cmp.Diff(want, lifecycle(a.entries(t, u.ID), audit.EventPurge, audit.EventRevoke)[1:]); diff != "" {
			t.Errorf("audit entries (-want +got):\n%s", diff)
		}
	})
}
