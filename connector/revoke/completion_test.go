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
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// TestGoogleSideRevocation: a sync meets invalid_grant because the user
// removed the app at Google. The door marks the grant revoked at once and
// does nothing more; another replica's retry loop (Run) completes the
// revocation from the database alone, and a purge that fails once is
// retried until it succeeds.
func TestGoogleSideRevocation(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open func() *sqldb.DB) {
		ctx := context.Background()
		g := startGoogle(t)
		a, b := newReplica(t, open(), g, "a"), newReplica(t, open(), g, "b")
		b.purger.err, b.purger.fails = errors.New("disk full"), 1
		u := a.signUp(t, 1)
		g.Fake.RevokeUser(u.Email)

		if err := a.listCalendars(t, u.ID); !errors.Is(err, googlehttp.ErrRevoked) {
			t.Fatalf("listing calendars after the user removed the app: %v, want ErrRevoked", err)
		}
		if gr, err := a.Grants.Get(ctx, u.ID); err != nil || gr.Status != grant.StatusRevoked || gr.Reason != "invalid_grant" {
			t.Errorf("grant = %s %q, %v; want revoked, invalid_grant", gr.Status, gr.Reason, err)
		}
		served := assertCut(t, g, u, map[string]*replica{"this replica": a, "another replica": b})
		// The sync that met the revocation completed nothing of it.
		if _, err := a.tokens.Load(ctx, u.ID); err != nil {
			t.Errorf("token before the revocation was completed: %v, want it kept", err)
		}
		if _, _, err := a.users.Session(ctx, u.session); err != nil {
			t.Errorf("session before the revocation was completed: %v, want it live", err)
		}
		if n := len(a.purger.calls()) + len(b.purger.calls()); n != 0 {
			t.Errorf("%d purges ran inside the sync", n)
		}
		if p := a.pending(t); len(p) != 0 {
			t.Errorf("Google revocations pending: %+v; Google itself reported this one", p)
		}

		runCtx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); b.svc.Run(runCtx, 10*time.Millisecond) }()
		t.Cleanup(func() { stop(); <-done })
		// The first attempt ends the sessions and deletes the tokens, but its
		// purge fails: the revocation stays recorded, due after the backoff.
		waitFor(t, "the first purge", func() bool { return len(b.purger.calls()) == 1 })
		if _, err := b.tokens.Load(ctx, u.ID); !errors.Is(err, tokens.ErrNotFound) {
			t.Errorf("token after the first attempt: %v, want ErrNotFound", err)
		}
		if _, _, err := b.users.Session(ctx, u.session); !errors.Is(err, identity.ErrNotFound) {
			t.Errorf("session after the first attempt: %v, want ErrNotFound", err)
		}
		if left := unfinished(t, b.DB); left != 1 {
			t.Fatalf("%d revocations recorded after the failed purge, want 1", left)
		}
		b.Clock.Advance(time.Minute)
		waitFor(t, "the revocation to complete", func() bool { return unfinished(t, b.DB) == 0 })
		if diff := cmp.Diff([]string{u.ID, u.ID}, b.purger.calls()); diff != "" {
			t.Errorf("purged users (-want +got):\n%s", diff)
		}
		if n := requests(g, u.Email); n != served {
			t.Errorf("completing the revocation sent %d requests to Google", n-served)
		}
		want := []step{
			{Event: audit.EventRevoke, Actor: u.ID, Method: "calendar.calendarList.list", Outcome: audit.OutcomeOK, Reason: "invalid_grant"},
			{Event: audit.EventPurge, Actor: u.ID, Resource: u.ID, Outcome: audit.OutcomeError, Reason: "failed: calendars", Items: 2},
			{Event: audit.EventPurge, Actor: u.ID, Resource: u.ID, Outcome: audit.OutcomeOK, Items: 5},
		}
		if diff := cmp.Diff(want, lifecycle(a.entries(t, u.ID), audit.EventRevoke, audit.EventPurge), cmpopts.IgnoreFields(step{}, "Scope")); diff != "" {
			t.Errorf("audit entries (-want +got):\n%s", diff)
		}
	})
}

// TestFailedPurgeIsRetried: a revocation by an admin whose purge fails is
// recorded with the purge left, and RetryPending completes it after the
// backoff, without calling Google again.
func TestFailedPurgeIsRetried(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := soloReplica(t)
	g := a.Google
	a.purger.err, a.purger.fails = errors.New("disk full"), 1
	u := a.signUp(t, 0)

	got, err := a.svc.Revoke(ctx, u.ID, admin, "")
	if !errors.Is(err, a.purger.err) {
		t.Fatalf("Revoke: %v, want the purger's error", err)
	}
	if got.Google != revoke.GoogleRevoked || !got.TokensDeleted || got.SessionsEnded != 1 || got.PurgedRows != 2 {
		t.Errorf("Report = %+v; want Google revoked, tokens deleted, 1 session ended, 2 rows purged", got)
	}
	if p := a.pending(t); len(p) != 0 {
		t.Errorf("Google revocations pending: %+v, want none: Google confirmed", p)
	}
	served := requests(g, u.Email)
	a.retry(t, 0) // not due yet
	a.Clock.Advance(time.Minute)
	a.retry(t, 1)
	if left := unfinished(t, a.DB); left != 0 {
		t.Errorf("%d revocations left after the retry", left)
	}
	if n := requests(g, u.Email); n != served {
		t.Errorf("the retry sent %d requests to Google", n-served)
	}
	want := []step{
		{Event: audit.EventRevoke, Actor: u.ID, Method: "oauth2.revoke", Outcome: audit.OutcomeOK},
		{Event: audit.EventPurge, Actor: admin.ID, Resource: u.ID, Outcome: audit.OutcomeError, Reason: "failed: calendars", Items: 2},
		{Event: audit.EventRevoke, Actor: admin.ID, Resource: u.ID, Outcome: audit.OutcomeError, Reason: "revoked"},
		{Event: audit.EventPurge, Actor: admin.ID, Resource: u.ID, Outcome: audit.OutcomeOK, Items: 5},
	}
	if diff := cmp.Diff(want, lifecycle(a.entries(t, u.ID), audit.EventRevoke, audit.EventPurge)); diff != "" {
		t.Errorf("audit entries (-want +got):\n%s", diff)
	}
}

// unfinished counts the revocations recorded and not completed.
func unfinished(t *testing.T, db *sqldb.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), "SELECT COUNT(*) FROM revocations").Scan(&n); err != nil {
		t.Fatalf("counting revocations: %v", err)
	}
	return n
}

// waitFor waits up to ten seconds for cond.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
