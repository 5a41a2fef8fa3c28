package revoke_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/revoke"
	"github.com/scopetrail/scopetrail/connector/tokens"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// retry runs RetryPending and checks how many it settled.
func (r *replica) retry(t *testing.T, want int) {
	t.Helper()
	n, err := r.svc.RetryPending(context.Background())
	if err != nil {
		t.Fatalf("RetryPending: %v", err)
	}
	if n != want {
		t.Fatalf("RetryPending settled %d, want %d", n, want)
	}
}

// pending returns the pending revocations.
func (r *replica) pending(t *testing.T) []revoke.Pending {
	t.Helper()
	p, err := r.svc.Pending(context.Background())
	if err != nil {
		t.Fatalf("Pending: %v", err)
	}
	return p
}

// revokedInOutage starts a Google and a replica on SQLite, signs up the
// first person, and revokes them while Google's revoke endpoint is down: the
// Google revocation is left pending.
func revokedInOutage(t *testing.T) (*replica, user) {
	t.Helper()
	a := soloReplica(t)
	u := a.signUp(t, 0)
	a.outage.on.Store(true)
	if _, err := a.svc.Revoke(context.Background(), u.ID, admin, ""); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	return a, u
}

var ignoreTimes = cmpopts.IgnoreFields(revoke.Pending{}, "RevokedAt", "NextAt", "GiveUpAt")

func TestRevokeWhenGoogleFails(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open func() *sqldb.DB) {
		ctx := context.Background()
		g, a, b, u := twoReplicas(t, open)
		a.outage.on.Store(true)

		got, err := a.svc.Revoke(ctx, u.ID, admin, "")
		if err != nil {
			t.Fatalf("Revoke: %v", err)
		}
		if got.Google != revoke.GooglePending || got.GoogleError == "" || got.TokensDeleted || got.SessionsEnded != 1 || got.PurgedRows != 5 {
			t.Errorf("Report = %+v; want Google pending with its error, tokens kept, 1 session ended, 5 rows purged", got)
		}
		assertCut(t, g, u, map[string]*replica{"this replica": a, "another replica": b})
		want := []revoke.Pending{{UserID: u.ID, By: admin, Attempts: 1, LastError: got.GoogleError}}
		if diff := cmp.Diff(want, b.pending(t), ignoreTimes); diff != "" {
			t.Errorf("pending (-want +got):\n%s", diff)
		}

		a.retry(t, 0) // not due yet
		a.outage.on.Store(false)
		a.Clock.Advance(time.Minute)
		a.retry(t, 1)
		if p := a.pending(t); len(p) != 0 {
			t.Errorf("still pending: %+v", p)
		}
		if _, err := a.tokens.Load(ctx, u.ID); !errors.Is(err, tokens.ErrNotFound) {
			t.Errorf("token after Google confirmed: %v, want ErrNotFound", err)
		}
		if honours(t, g, u.token) {
			t.Error("Google still honours the user's refresh token")
		}
		wantSteps := []step{
			{Event: audit.EventRevoke, Actor: u.ID, Method: "oauth2.revoke", Outcome: audit.OutcomeError, Reason: "backend_error"},
			{Event: audit.EventPurge, Actor: admin.ID, Resource: u.ID, Outcome: audit.OutcomeOK, Items: 5},
			{Event: audit.EventRevoke, Actor: admin.ID, Resource: u.ID, Outcome: audit.OutcomeOK, Reason: "revoked"},
			{Event: audit.EventRevoke, Actor: u.ID, Method: "oauth2.revoke", Outcome: audit.OutcomeOK},
		}
		if diff := cmp.Diff(wantSteps, lifecycle(a.entries(t, u.ID), audit.EventRevoke, audit.EventPurge)); diff != "" {
			t.Errorf("audit entries (-want +got):\n%s", diff)
		}
	})
}

func TestPendingRevocationGivesUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, u := revokedInOutage(t)
	// The backoff doubles from one minute: attempts at 1 and 3 minutes.
	for i, wait := range []time.Duration{time.Minute, 2 * time.Minute} {
		a.Clock.Advance(wait)
		a.retry(t, 0)
		if p := a.pending(t); len(p) != 1 || p[0].Attempts != i+2 || !p[0].NextAt.Equal(a.Clock.Now().Add(2*wait).UTC().Truncate(time.Microsecond)) {
			t.Fatalf("after attempt %d: pending %+v", i+2, p)
		}
	}
	a.Clock.Advance(time.Hour)
	a.retry(t, 1)
	if _, err := a.tokens.Load(ctx, u.ID); !errors.Is(err, tokens.ErrNotFound) {
		t.Errorf("token after giving up: %v, want ErrNotFound", err)
	}
	es := lifecycle(a.entries(t, u.ID), audit.EventRevoke)
	want := step{Event: audit.EventRevoke, Actor: admin.ID, Resource: u.ID, Method: "oauth2.revoke", Outcome: audit.OutcomeError,
		Reason: "gave up after 4 attempts; token deleted"}
	if diff := cmp.Diff(want, es[len(es)-1]); diff != "" {
		t.Errorf("last revoke entry (-want +got):\n%s", diff)
	}
	if n := len(lifecycle(a.entries(t, u.ID), audit.EventRevoke)); n != 6 {
		t.Errorf("%d revoke entries, want 6: 4 failed attempts, the revocation, giving up", n)
	}
}

func TestPendingRevocationSupersededByNewConsent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, u := revokedInOutage(t)
	// The user links their account again before Google could be told.
	a.Keep(t, u.ID, a.Token(t, u.Email, featureScopes...))
	a.outage.on.Store(false)
	a.Clock.Advance(time.Minute)
	a.retry(t, 1)
	stored, err := a.tokens.Load(ctx, u.ID)
	if err != nil {
		t.Fatalf("the retry deleted the new token: %v", err)
	}
	if !honours(t, a.Google, stored) {
		t.Error("the retry revoked the user's new consent at Google")
	}
	if err := a.listCalendars(t, u.ID); err != nil {
		t.Errorf("listing calendars with the new consent: %v", err)
	}
	es := lifecycle(a.entries(t, u.ID), audit.EventRevoke)
	want := step{Event: audit.EventRevoke, Actor: admin.ID, Resource: u.ID, Method: "oauth2.revoke", Outcome: audit.OutcomeError,
		Reason: "superseded: the user granted access again"}
	if diff := cmp.Diff(want, es[len(es)-1]); diff != "" {
		t.Errorf("last revoke entry (-want +got):\n%s", diff)
	}
}

func TestRevokeWithoutGoogle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	g := startGoogle(t)
	db := sqldbtest.SQLite(t)
	server := newReplica(t, db, g, "server")
	u := server.signUp(t, 0)
	// A command-line process that cannot reach Google revokes the user.
	cli, err := revoke.New(revoke.Options{DB: db, Grants: server.Grants, Tokens: server.tokens, Users: server.users,
		Trail: server.Trail, Now: server.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	got, err := cli.Revoke(ctx, u.ID, revoke.Actor{ID: "cli:ops"}, "")
	if err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	if got.Google != revoke.GooglePending {
		t.Errorf("Google = %s, want pending", got.Google)
	}
	if err := server.listCalendars(t, u.ID); !errors.Is(err, googlehttp.ErrDenied) {
		t.Errorf("listing calendars: %v, want ErrDenied", err)
	}
	server.Clock.Advance(time.Minute)
	server.retry(t, 1)
	if honours(t, g, u.token) {
		t.Error("the server did not revoke at Google")
	}
}
