package revoke_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/revoke"
	"github.com/scopetrail/scopetrail/scopes/audit"
)

// TestAdminRevocationBlocksUntilReadmit: revoking someone else blocks them
// from signing in, naming who did it; revoking oneself does not; Readmit
// unblocks, audited first.
func TestAdminRevocationBlocksUntilReadmit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := soloReplica(t)
	member, self := r.signUp(t, 0), r.signUp(t, 1)
	if _, err := r.svc.Revoke(ctx, member.ID, admin, "left"); err != nil {
		t.Fatalf("Revoke by an admin: %v", err)
	}
	if _, err := r.svc.Revoke(ctx, self.ID, revoke.Actor{ID: self.ID, Email: self.Email}, "mine"); err != nil {
		t.Fatalf("Revoke of oneself: %v", err)
	}
	for _, tc := range []struct {
		id        string
		blockedBy string
	}{{member.ID, admin.Email}, {self.ID, ""}} {
		u, err := r.users.User(ctx, tc.id)
		if err != nil || u.Blocked() != (tc.blockedBy != "") || u.BlockedBy != tc.blockedBy {
			t.Errorf("user %s after revocation: blocked %v by %q, %v; want by %q", tc.id, u.Blocked(), u.BlockedBy, err, tc.blockedBy)
		}
	}
	if err := r.svc.Readmit(ctx, member.ID, admin); err != nil {
		t.Fatalf("Readmit: %v", err)
	}
	if u, _ := r.users.User(ctx, member.ID); u.Blocked() {
		t.Errorf("still blocked after Readmit: %+v", u)
	}
	want := []step{{Event: audit.EventReadmit, Actor: admin.ID, Resource: member.ID, Outcome: audit.OutcomeOK}}
	if diff := cmp.Diff(want, lifecycle(r.entries(t, member.ID), audit.EventReadmit)); diff != "" {
		t.Errorf("readmit entries (-want +got):\n%s", diff)
	}
}
