package identity_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// roleStep is a role_change entry, reduced.
type roleStep struct {
	Actor, Subject, SubjectEmail, Resource string
	Outcome                                audit.Outcome
	Reason                                 string
}

// roleSteps returns the role_change requests of the trail that concern
// userID, as a reviewer filtering by that user reads them.
func roleSteps(t *testing.T, tr *audit.Trail, userID string) []roleStep {
	t.Helper()
	var out []roleStep
	for e, err := range tr.Entries(context.Background(), audit.Filter{UserID: userID, Event: audit.EventRoleChange}) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, roleStep{e.ActorEmail, e.SubjectID, e.SubjectEmail, e.Resource, e.Outcome, e.ErrorReason})
	}
	return out
}

func TestChangeRoleIsAudited(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		s := identity.NewStore(db, nil)
		tr := audit.New(db, audit.Options{})
		ada, err := s.SignIn(ctx, "1", "ada@example.com", "Ada", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		zoe, err := s.SignIn(ctx, "2", "zoe@example.com", "Zoë", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		users := s.Audited(tr)
		if err := users.ChangeRole(ctx, zoe.ID, identity.RoleReviewer, ada); err != nil {
			t.Fatalf("ChangeRole: %v", err)
		}
		// The role held already: nothing changes, nothing is recorded.
		if err := users.ChangeRole(ctx, zoe.ID, identity.RoleReviewer, ada); err != nil {
			t.Fatalf("ChangeRole to the same role: %v", err)
		}
		if err := users.ChangeRole(ctx, zoe.ID, identity.RoleAdmin, ada); err != nil {
			t.Fatalf("ChangeRole: %v", err)
		}
		if err := users.ChangeRole(ctx, zoe.ID, "owner", ada); !errors.Is(err, identity.ErrInvalidRole) {
			t.Errorf("ChangeRole to owner: %v, want ErrInvalidRole", err)
		}
		if err := users.ChangeRole(ctx, "u-nobody", identity.RoleAdmin, ada); !errors.Is(err, identity.ErrNotFound) {
			t.Errorf("ChangeRole of nobody: %v, want ErrNotFound", err)
		}
		if u, _ := s.User(ctx, zoe.ID); u.Role != identity.RoleAdmin {
			t.Errorf("Zoë's role = %s, want admin", u.Role)
		}
		want := []roleStep{
			{"ada@example.com", zoe.ID, "zoe@example.com", "role=reviewer from=member", audit.OutcomeOK, ""},
			{"ada@example.com", zoe.ID, "zoe@example.com", "role=admin from=reviewer", audit.OutcomeOK, ""},
		}
		if diff := cmp.Diff(want, roleSteps(t, tr, zoe.ID)); diff != "" {
			t.Errorf("Zoë's role changes (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(want, roleSteps(t, tr, ada.ID)); diff != "" {
			t.Errorf("Ada's role changes (-want +got):\n%s", diff)
		}
	})
}

// failingTrail refuses every entry, as a trail whose database cannot write.
type failingTrail struct{}

func (failingTrail) Begin(context.Context, audit.Entry) (audit.Entry, error) {
	return audit.Entry{}, errors.New("disk full")
}

func (failingTrail) Complete(context.Context, audit.Entry, audit.Result) (audit.Entry, error) {
	return audit.Entry{}, errors.New("disk full")
}

// racingTrail changes the role behind the change being recorded, as
// another admin would at the same moment.
type racingTrail struct {
	*audit.Trail
	race func()
}

func (r racingTrail) Begin(ctx context.Context, e audit.Entry) (audit.Entry, error) {
	r.race()
	return r.Trail.Begin(ctx, e)
}

func TestChangeRoleFailsClosed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := sqldbtest.SQLite(t)
	s := identity.NewStore(db, nil)
	ada, _ := s.SignIn(ctx, "1", "ada@example.com", "Ada", "", nil)
	zoe, _ := s.SignIn(ctx, "2", "zoe@example.com", "Zoë", "", nil)
	if err := s.Audited(failingTrail{}).ChangeRole(ctx, zoe.ID, identity.RoleAdmin, ada); err == nil {
		t.Error("ChangeRole succeeded without an audit entry")
	}
	if u, _ := s.User(ctx, zoe.ID); u.Role != identity.RoleMember {
		t.Errorf("Zoë's role = %s after an unaudited change, want member", u.Role)
	}

	tr := audit.New(db, audit.Options{})
	racing := racingTrail{Trail: tr, race: func() {
		if _, err := db.Exec(ctx, "UPDATE users SET role = ? WHERE id = ?", string(identity.RoleReviewer), zoe.ID); err != nil {
			t.Error(err)
		}
	}}
	if err := s.Audited(racing).ChangeRole(ctx, zoe.ID, identity.RoleAdmin, ada); !errors.Is(err, identity.ErrRoleChanged) {
		t.Errorf("ChangeRole racing another change: %v, want ErrRoleChanged", err)
	}
	if u, _ := s.User(ctx, zoe.ID); u.Role != identity.RoleReviewer {
		t.Errorf("Zoë's role = %s, want the other change's reviewer", u.Role)
	}
	want := []roleStep{{"ada@example.com", zoe.ID, "zoe@example.com", "role=admin from=member", audit.OutcomeError, "role_changed_meanwhile"}}
	if diff := cmp.Diff(want, roleSteps(t, tr, zoe.ID)); diff != "" {
		t.Errorf("role changes (-want +got):\n%s", diff)
	}
}
