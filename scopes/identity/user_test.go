package identity_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/clocktest"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// signInStep is one step of a sign-in scenario.
type signInStep struct {
	sub, email, name string
	admins           []string
	setRole          identity.Role // applied after the sign-in when not empty
	wantRole         identity.Role
	wantErr          error
}

func TestSignIn(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		steps []signInStep
	}{
		{"first user is admin without admin emails", []signInStep{
			{sub: "1", email: "ada@example.com", wantRole: identity.RoleAdmin},
			{sub: "2", email: "bob@example.com", wantRole: identity.RoleMember},
		}},
		{"admin emails decide, first user is not special", []signInStep{
			{sub: "1", email: "ada@example.com", admins: []string{"bob@example.com"}, wantRole: identity.RoleMember},
			{sub: "2", email: "bob@example.com", admins: []string{"bob@example.com"}, wantRole: identity.RoleAdmin},
		}},
		{"first user claim is not reused later", []signInStep{
			{sub: "1", email: "ada@example.com", admins: []string{"bob@example.com"}, wantRole: identity.RoleMember},
			{sub: "2", email: "cy@example.com", wantRole: identity.RoleMember},
		}},
		{"admin emails match in any case", []signInStep{
			{sub: "1", email: " Ada@Example.COM", admins: []string{"ADA@example.com"}, wantRole: identity.RoleAdmin},
		}},
		{"existing users keep their role", []signInStep{
			{sub: "1", email: "ada@example.com", wantRole: identity.RoleAdmin, setRole: identity.RoleReviewer},
			{sub: "1", email: "ada@example.com", wantRole: identity.RoleReviewer},
		}},
		{"admin emails promote existing users", []signInStep{
			{sub: "1", email: "ada@example.com", admins: []string{"bob@example.com"}, wantRole: identity.RoleMember},
			{sub: "1", email: "ada@example.com", admins: []string{"ada@example.com"}, wantRole: identity.RoleAdmin},
		}},
		{"email change follows the subject", []signInStep{
			{sub: "1", email: "ada@example.com", wantRole: identity.RoleAdmin},
			{sub: "1", email: "ada.lovelace@example.com", wantRole: identity.RoleAdmin},
		}},
		{"email of another Google account", []signInStep{
			{sub: "1", email: "ada@example.com", wantRole: identity.RoleAdmin},
			{sub: "2", email: "ada@example.com", wantErr: identity.ErrSubjectMismatch},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
				ctx := context.Background()
				clk := clocktest.New(t0)
				s := identity.NewStore(db, clk.Now)
				ids := map[string]string{} // sub → user id
				for i, st := range tc.steps {
					clk.Advance(time.Minute)
					u, err := s.SignIn(ctx, st.sub, st.email, st.name, "https://photo/"+st.sub, st.admins)
					if !errors.Is(err, st.wantErr) {
						t.Fatalf("step %d: SignIn error %v, want %v", i, err, st.wantErr)
					}
					if err != nil {
						continue
					}
					if id, ok := ids[st.sub]; ok && id != u.ID {
						t.Errorf("step %d: user id changed from %s to %s", i, id, u.ID)
					}
					ids[st.sub] = u.ID
					if u.Role != st.wantRole {
						t.Errorf("step %d: role %q, want %q", i, u.Role, st.wantRole)
					}
					if u.LastSignIn != clk.Now() {
						t.Errorf("step %d: last sign-in %v, want %v", i, u.LastSignIn, clk.Now())
					}
					if st.setRole != "" {
						if err := s.Audited(audit.New(db, audit.Options{})).ChangeRole(ctx, u.ID, st.setRole, identity.User{}); err != nil {
							t.Fatalf("step %d: ChangeRole: %v", i, err)
						}
						u.Role = st.setRole
					}
					got, err := s.User(ctx, u.ID)
					if err != nil {
						t.Fatalf("step %d: User: %v", i, err)
					}
					if diff := cmp.Diff(u, got); diff != "" {
						t.Errorf("step %d: stored user differs (-signin +stored):\n%s", i, diff)
					}
				}
			})
		})
	}
}

func TestUsers(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, _ *sqldb.DB, s *identity.Store, clk *clocktest.Clock) {
		ctx := context.Background()
		for i, email := range []string{"cy@example.com", "Ada@example.com", "bob@example.com"} {
			signIn(t, s, fmt.Sprint(i), email, "Name "+email)
		}
		users, err := s.Users(ctx)
		if err != nil {
			t.Fatalf("Users: %v", err)
		}
		var emails []string
		for _, u := range users {
			emails = append(emails, u.Email)
		}
		if diff := cmp.Diff([]string{"ada@example.com", "bob@example.com", "cy@example.com"}, emails); diff != "" {
			t.Errorf("Users emails (-want +got):\n%s", diff)
		}
		ada, err := s.UserByEmail(ctx, "ADA@EXAMPLE.COM")
		if err != nil {
			t.Fatalf("UserByEmail: %v", err)
		}
		want := identity.User{ID: ada.ID, Email: "ada@example.com", Name: "Name Ada@example.com", Subject: "1",
			Role: identity.RoleMember, CreatedAt: clk.Now(), LastSignIn: clk.Now()}
		if diff := cmp.Diff(want, ada); diff != "" {
			t.Errorf("UserByEmail (-want +got):\n%s", diff)
		}
		if _, err := s.UserByEmail(ctx, "nobody@example.com"); !errors.Is(err, identity.ErrNotFound) {
			t.Errorf("UserByEmail(unknown) error %v, want ErrNotFound", err)
		}
		if _, err := s.User(ctx, "nope"); !errors.Is(err, identity.ErrNotFound) {
			t.Errorf("User(unknown) error %v, want ErrNotFound", err)
		}
	})
}

// TestChangeRoleChecks changes a role to each role, to one that does not
// exist and for a user who does not exist.
func TestChangeRoleChecks(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, db *sqldb.DB, s *identity.Store, _ *clocktest.Clock) {
		ctx := context.Background()
		u := signIn(t, s, "1", "ada@example.com", "Ada")
		users := s.Audited(audit.New(db, audit.Options{}))
		cases := []struct {
			id      string
			role    identity.Role
			wantErr error
		}{
			{u.ID, identity.RoleReviewer, nil},
			{u.ID, identity.RoleMember, nil},
			{u.ID, "owner", identity.ErrInvalidRole},
			{u.ID, "", identity.ErrInvalidRole},
			{"unknown", identity.RoleAdmin, identity.ErrNotFound},
		}
		for _, tc := range cases {
			err := users.ChangeRole(ctx, tc.id, tc.role, u)
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("ChangeRole(%s, %q) error %v, want %v", tc.id, tc.role, err, tc.wantErr)
			}
			if err != nil {
				continue
			}
			got, err := s.User(ctx, tc.id)
			if err != nil || got.Role != tc.role {
				t.Errorf("after ChangeRole(%q): role %q, err %v", tc.role, got.Role, err)
			}
		}
	})
}

func TestFirstAdminUnderConcurrency(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, _ *sqldb.DB, s *identity.Store, _ *clocktest.Clock) {
		ctx := context.Background()
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				if _, err := s.SignIn(ctx, fmt.Sprint(i), fmt.Sprintf("u%d@example.com", i), "", "", nil); err != nil {
					t.Errorf("SignIn %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		users, err := s.Users(ctx)
		if err != nil {
			t.Fatalf("Users: %v", err)
		}
		roles := map[identity.Role]int{}
		for _, u := range users {
			roles[u.Role]++
		}
		if diff := cmp.Diff(map[identity.Role]int{identity.RoleAdmin: 1, identity.RoleMember: 7}, roles, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("roles (-want +got):\n%s", diff)
		}
	})
}
