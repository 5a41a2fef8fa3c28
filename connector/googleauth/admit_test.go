package googleauth_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/connector/googleauth"
	"github.com/scopetrail/scopetrail/connector/invite"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// finishSignIn runs a sign-in as email and returns Finish's answer.
func finishSignIn(t *testing.T, e *env, email string) (googleauth.Result, error) {
	t.Helper()
	ctx := context.Background()
	authURL, state, err := e.flow.BeginSignIn(ctx, "")
	if err != nil {
		t.Fatalf("BeginSignIn: %v", err)
	}
	return e.flow.Finish(ctx, state, consent(t, authURL, browser.Answer{Account: email}))
}

// events lists the audit trail as event, actor email, resource and reason.
func events(t *testing.T, e *env) [][4]string {
	t.Helper()
	var out [][4]string
	for _, en := range entries(t, e) {
		out = append(out, [4]string{string(en.Event), en.ActorEmail, en.Resource, en.ErrorReason})
	}
	return out
}

// TestAdmission runs each way in and each refusal on a closed instance
// (no sign-up domain), with real invitations.
func TestAdmission(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		t.Parallel()
		e := newEnv(t, db, options{signupDomains: []string{}, adminEmails: []string{"ADA@example.com"}})

		// Uninvited: refused, audited, nobody created.
		_, err := finishSignIn(t, e, bob)
		var r *googleauth.Refusal
		if !errors.As(err, &r) || !errors.Is(err, googleauth.ErrNotAdmitted) || r.Reason != googleauth.ReasonNotInvited || r.Email != bob {
			t.Fatalf("uninvited sign-in: %v, want a not_invited refusal of %s", err, bob)
		}
		if _, err := e.users.UserByEmail(ctx, bob); !errors.Is(err, identity.ErrNotFound) {
			t.Errorf("the refused account is a user: %v", err)
		}

		// The admin email gets in; it invites bob, who gets in once by it.
		res, err := finishSignIn(t, e, ada)
		if err != nil {
			t.Fatalf("admin sign-in: %v", err)
		}
		admin := res.User
		batch, err := e.invites.Invite(ctx, admin, []string{bob})
		if err != nil || len(batch.Issued) != 1 {
			t.Fatalf("Invite: %+v, %v", batch, err)
		}
		res, err = finishSignIn(t, e, bob)
		if err != nil {
			t.Fatalf("invited sign-in: %v", err)
		}
		if inv, _ := e.invites.Get(ctx, batch.Issued[0].ID); inv.Status != invite.StatusAccepted || inv.AcceptedBy != res.User.ID {
			t.Errorf("the invitation after sign-in: %+v", inv)
		}
		if _, err := finishSignIn(t, e, bob); err != nil {
			t.Fatalf("second sign-in of the invitee: %v", err)
		}

		// Blocked: refused even though a user, and even an admin email.
		if err := e.users.Block(ctx, res.User.ID, ada); err != nil {
			t.Fatal(err)
		}
		if err := e.users.Block(ctx, admin.ID, "someone"); err != nil {
			t.Fatal(err)
		}
		if _, err := finishSignIn(t, e, bob); !errors.As(err, &r) || r.Reason != googleauth.ReasonBlocked || r.BlockedBy != ada {
			t.Errorf("blocked sign-in: %v, want a blocked refusal naming %s", err, ada)
		}
		if _, err := finishSignIn(t, e, ada); !errors.As(err, &r) || r.Reason != googleauth.ReasonBlocked || r.BlockedBy != "someone" {
			t.Errorf("a blocked admin email: %v, want a blocked refusal", err)
		}

		want := [][4]string{
			{"admission_refused", bob, "", "not_invited"},
			{"signin", ada, "admission=admin_email", ""},
			{"invite", ada, "invitation=" + batch.Issued[0].ID, ""},
			{"invite_accept", bob, "invitation=" + batch.Issued[0].ID, ""},
			{"signin", bob, "admission=invitation", ""},
			{"signin", bob, "admission=user", ""},
			{"admission_refused", bob, "", "blocked"},
			{"admission_refused", ada, "", "blocked"},
		}
		if diff := cmp.Diff(want, events(t, e)); diff != "" {
			t.Errorf("audit trail (-want +got):\n%s", diff)
		}
		for _, en := range entries(t, e) {
			if en.Event == audit.EventAdmissionRefused && (en.Outcome != audit.OutcomeDenied || en.ActorID != "") {
				t.Errorf("refusal entry %+v: want outcome denied and no user id", en)
			}
		}
	})
}

// TestAdminEmailPromotionAudited signs in a member whose email has since
// been added to ADMIN_EMAILS: they become an admin, and a role_change entry
// says so, naming them as its subject and the configuration as its actor.
func TestAdminEmailPromotionAudited(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := sqldbtest.SQLite(t)
	e := newEnv(t, db, options{adminEmails: []string{ada}})
	if _, err := finishSignIn(t, e, ada); err != nil {
		t.Fatal(err)
	}
	res, err := finishSignIn(t, e, bob)
	if err != nil || res.User.Role != identity.RoleMember {
		t.Fatalf("bob's first sign-in: %+v, %v; want a member", res.User, err)
	}
	promoted := newEnv(t, db, options{adminEmails: []string{ada, bob}})
	if res, err = finishSignIn(t, promoted, bob); err != nil || res.User.Role != identity.RoleAdmin {
		t.Fatalf("bob's sign-in as an admin email: %+v, %v; want an admin", res.User, err)
	}
	var changes []audit.Entry
	for en, err := range promoted.Trail.Entries(ctx, audit.Filter{Event: audit.EventRoleChange, Raw: true}) {
		if err != nil {
			t.Fatal(err)
		}
		changes = append(changes, en)
	}
	if len(changes) != 1 {
		t.Fatalf("%d role_change entries, want 1: %+v", len(changes), changes)
	}
	c := changes[0]
	if c.SubjectID != res.User.ID || c.SubjectEmail != bob || c.ActorID != audit.ActorSystem || c.ActorEmail != "ADMIN_EMAILS" ||
		c.Resource != audit.RoleResource(string(identity.RoleAdmin), string(identity.RoleMember)) {
		t.Errorf("role_change entry: %+v", c)
	}
	if _, err := finishSignIn(t, promoted, bob); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, err := range promoted.Trail.Entries(ctx, audit.Filter{Event: audit.EventRoleChange, Raw: true}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 1 {
		t.Errorf("%d role_change entries after a sign-in that changes nothing, want 1", n)
	}
}
