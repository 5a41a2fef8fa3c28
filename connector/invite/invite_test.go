package invite_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/invite"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/clocktest"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// Users of these tests.
var (
	admin = identity.User{ID: "u-admin", Email: "ann.admin@example.test", Name: "Ann Admin", Role: identity.RoleAdmin}
	zoe   = identity.User{ID: "u-zoe", Email: "Zoe@Example.test", Name: "Zoe", Role: identity.RoleMember}
)

// fixture is a Service on a database, with its trail and clock.
type fixture struct {
	db    *sqldb.DB
	trail *audit.Trail
	clock *clocktest.Clock
	svc   *invite.Service
}

// accept accepts the user's invitations as a sign-in does: AcceptInTx in
// a transaction, then RecordAccepted once it committed.
func (f *fixture) accept(t *testing.T, user identity.User) ([]invite.Invitation, error) {
	t.Helper()
	ctx := context.Background()
	var accepted []invite.Invitation
	err := f.db.InTx(ctx, func(tx *sqldb.Tx) error {
		var err error
		accepted, err = f.svc.AcceptInTx(ctx, tx, user)
		return err
	})
	if err != nil {
		return nil, err
	}
	return accepted, f.svc.RecordAccepted(ctx, user, accepted)
}

func newFixture(t *testing.T, db *sqldb.DB, mailer invite.Mailer) *fixture {
	t.Helper()
	f := &fixture{db: db, clock: clocktest.New(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))}
	f.trail = audit.New(db, audit.Options{Replica: "test", CheckpointEvery: -1})
	svc, err := invite.New(invite.Options{DB: db, Audit: f.trail, BaseURL: "https://scopetrail.example.test/", Mailer: mailer, Now: f.clock.Now})
	if err != nil {
		t.Fatalf("invite.New: %v", err)
	}
	f.svc = svc
	return f
}

// events returns the audit entries, oldest first, as "event actor resource
// outcome", the actor followed by ">subject" when the entry has a subject,
// and checks that no other field holds an invited email.
func (f *fixture) events(t *testing.T, emails ...string) []string {
	t.Helper()
	page, err := f.trail.Query(context.Background(), audit.Filter{Limit: audit.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range page.Entries {
		actor := e.ActorID
		if e.SubjectID != "" || e.SubjectEmail != "" {
			actor += ">" + e.SubjectName()
		}
		out = append(out, strings.Join([]string{string(e.Event), actor, e.Resource, string(e.Outcome)}, " "))
		for _, em := range emails {
			if strings.Contains(strings.ToLower(e.Resource+e.ErrorReason+e.MethodName), strings.ToLower(em)) {
				t.Errorf("audit entry %d holds the invited email %s", e.Seq, em)
			}
		}
	}
	return out
}

// token returns the token of an invitation link.
func token(link string) string { return link[strings.LastIndex(link, "/")+1:] }

// TestLifecycle issues, renews, withdraws, expires and accepts invitations,
// on both databases, and checks the audit trail of every step.
func TestLifecycle(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db, nil)
		if f.svc.Mailing() {
			t.Error("Mailing() without a Mailer = true")
		}
		if _, err := f.svc.Invite(ctx, admin, []string{"ok@example.test", "Bob <bob@example.test>", "nope"}); !errors.Is(err, invite.ErrInvalidEmail) ||
			!strings.Contains(err.Error(), `"nope"`) || !strings.Contains(err.Error(), "bob@example.test") {
			t.Fatalf("Invite with bad addresses = %v, want ErrInvalidEmail naming both", err)
		}
		b, err := f.svc.Invite(ctx, admin, []string{" Zoe@example.test", "yan@example.test", "zoe@example.test", "xia@example.test", ""})
		if err != nil {
			t.Fatalf("Invite: %v", err)
		}
		if len(b.Issued) != 3 || len(b.Skipped) != 0 {
			t.Fatalf("Invite issued %d, skipped %v; want 3 issued", len(b.Issued), b.Skipped)
		}
		zoeInv, yanInv, xiaInv := b.Issued[0], b.Issued[1], b.Issued[2]
		want := invite.Invitation{ID: zoeInv.ID, Email: "zoe@example.test", InvitedBy: admin.ID, InvitedByEmail: admin.Email,
			CreatedAt: f.clock.Now(), ExpiresAt: f.clock.Now().Add(invite.DefaultTTL), Status: invite.StatusPending}
		if diff := cmp.Diff(want, zoeInv.Invitation); diff != "" {
			t.Errorf("issued invitation (-want +got):\n%s", diff)
		}
		if !strings.HasPrefix(zoeInv.Link, "https://scopetrail.example.test/invite/") || len(token(zoeInv.Link)) != 43 {
			t.Errorf("link = %q, want https://scopetrail.example.test/invite/ and 256 bits in base64url", zoeInv.Link)
		}
		var stored string
		if err := db.QueryRow(ctx, "SELECT token_hash FROM invitations WHERE id = ?", zoeInv.ID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(token(zoeInv.Link)))
		if stored != hex.EncodeToString(sum[:]) {
			t.Errorf("stored %q, want the SHA-256 of the token", stored)
		}
		if again, err := f.svc.Invite(ctx, admin, []string{"zoe@example.test"}); err != nil || len(again.Skipped) != 1 || len(again.Issued) != 0 {
			t.Errorf("inviting zoe again = %+v, %v; want her skipped", again, err)
		}

		// A new link ends the old one.
		renewed, err := f.svc.Renew(ctx, admin, yanInv.ID)
		if err != nil {
			t.Fatalf("Renew: %v", err)
		}
		if _, err := f.svc.Check(ctx, token(yanInv.Link)); !errors.Is(err, invite.ErrNotFound) {
			t.Errorf("Check(old link) = %v, want ErrNotFound", err)
		}
		if inv, err := f.svc.Check(ctx, token(renewed.Link)); err != nil || inv.ID != yanInv.ID {
			t.Errorf("Check(new link) = %+v, %v; want yan's invitation", inv, err)
		}
		if err := f.svc.Withdraw(ctx, admin, yanInv.ID); err != nil {
			t.Fatalf("Withdraw: %v", err)
		}
		checks := []struct {
			name  string
			token string
			want  error
		}{
			{"withdrawn", token(renewed.Link), invite.ErrWithdrawn},
			{"unknown", "not-a-token", invite.ErrNotFound},
			{"pending", token(zoeInv.Link), nil},
		}
		for _, c := range checks {
			if _, err := f.svc.Check(ctx, c.token); !errors.Is(err, c.want) {
				t.Errorf("Check(%s) = %v, want %v", c.name, err, c.want)
			}
		}
		if err := f.svc.Withdraw(ctx, admin, yanInv.ID); !errors.Is(err, invite.ErrNotPending) {
			t.Errorf("second Withdraw = %v, want ErrNotPending", err)
		}
		if _, err := f.svc.Renew(ctx, admin, "missing"); !errors.Is(err, invite.ErrNotFound) {
			t.Errorf("Renew(missing) = %v, want ErrNotFound", err)
		}

		// Xia's invitation expires; Zoe accepts hers by signing in.
		f.clock.Advance(invite.DefaultTTL - time.Minute)
		accepted, err := f.accept(t, zoe)
		if err != nil || len(accepted) != 1 || accepted[0].ID != zoeInv.ID || accepted[0].AcceptedBy != zoe.ID {
			t.Fatalf("accept(zoe) = %+v, %v; want her invitation", accepted, err)
		}
		if _, err := f.svc.Check(ctx, token(zoeInv.Link)); !errors.Is(err, invite.ErrAccepted) {
			t.Errorf("Check(used link) = %v, want ErrAccepted", err)
		}
		if again, err := f.accept(t, zoe); err != nil || len(again) != 0 {
			t.Errorf("second accept = %+v, %v; want nothing: links are single-use", again, err)
		}
		f.clock.Advance(time.Minute)
		if _, err := f.svc.Check(ctx, token(xiaInv.Link)); !errors.Is(err, invite.ErrExpired) {
			t.Errorf("Check(expired) = %v, want ErrExpired", err)
		}
		if got, err := f.accept(t, identity.User{ID: "u-xia", Email: "xia@example.test"}); err != nil || len(got) != 0 {
			t.Errorf("accept(xia) after expiry = %+v, %v; want nothing", got, err)
		}

		list, err := f.svc.List(ctx)
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		status := map[string]invite.Status{}
		for _, inv := range list {
			status[inv.Email] = inv.Status
		}
		wantStatus := map[string]invite.Status{"zoe@example.test": invite.StatusAccepted, "yan@example.test": invite.StatusWithdrawn,
			"xia@example.test": invite.StatusExpired}
		if diff := cmp.Diff(wantStatus, status); diff != "" {
			t.Errorf("statuses (-want +got):\n%s", diff)
		}

		r := func(inv invite.Issued) string { return "invitation=" + inv.ID }
		wantEvents := []string{
			"invite u-admin>zoe@example.test " + r(zoeInv) + " ok", "invite u-admin>yan@example.test " + r(yanInv) + " ok",
			"invite u-admin>xia@example.test " + r(xiaInv) + " ok",
			"invite_renew u-admin>yan@example.test " + r(yanInv) + " ok", "invite_withdraw u-admin>yan@example.test " + r(yanInv) + " ok",
			"invite_accept u-zoe " + r(zoeInv) + " ok",
		}
		if diff := cmp.Diff(wantEvents, f.events(t, "zoe@example.test", "yan@example.test", "xia@example.test")); diff != "" {
			t.Errorf("audit trail (-want +got):\n%s", diff)
		}
	})
}

// TestPurge deletes the invitations a user sent or accepted.
func TestPurge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, sqldbtest.SQLite(t), nil)
	other := identity.User{ID: "u-other", Email: "other@example.test"}
	if _, err := f.svc.Invite(ctx, admin, []string{"zoe@example.test", "yan@example.test"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Invite(ctx, other, []string{"xia@example.test"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.accept(t, zoe); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		user string
		want int64
		left int
	}{
		{zoe.ID, 1, 2},
		{admin.ID, 1, 1},
		{admin.ID, 0, 1},
	}
	for _, tt := range tests {
		n, err := f.svc.Purge(ctx, tt.user)
		if err != nil || n != tt.want {
			t.Errorf("Purge(%s) = %d, %v; want %d", tt.user, n, err, tt.want)
		}
		if list, _ := f.svc.List(ctx); len(list) != tt.left {
			t.Errorf("after Purge(%s), %d invitations left, want %d", tt.user, len(list), tt.left)
		}
	}
}
