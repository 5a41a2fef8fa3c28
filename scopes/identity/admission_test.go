package identity_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/scopes/clocktest"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// TestBlockAndReadmit: Block keeps its first author and time, Readmit
// clears them, and both report unknown users.
func TestBlockAndReadmit(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, db *sqldb.DB, s *identity.Store, clk *clocktest.Clock) {
		ctx := context.Background()
		u := signIn(t, s, "sub-1", "ann@example.com", "Ann")
		if u.Blocked() {
			t.Fatal("a new user is blocked")
		}
		if err := s.Block(ctx, u.ID, "admin@example.com"); err != nil {
			t.Fatalf("Block: %v", err)
		}
		at := clk.Now().UTC()
		clk.Advance(time.Second)
		if err := s.Block(ctx, u.ID, "other@example.com"); err != nil {
			t.Fatalf("second Block: %v", err)
		}
		got, err := s.User(ctx, u.ID)
		if err != nil || !got.Blocked() || !got.BlockedAt.Equal(at) || got.BlockedBy != "admin@example.com" {
			t.Fatalf("after Block: %+v, %v; want blocked at %v by admin@", got, err, at)
		}
		if err := s.Readmit(ctx, u.ID); err != nil {
			t.Fatalf("Readmit: %v", err)
		}
		if got, _ = s.User(ctx, u.ID); got.Blocked() || got.BlockedBy != "" {
			t.Errorf("after Readmit: %+v", got)
		}
		for name, err := range map[string]error{"Block": s.Block(ctx, "nobody", "x"), "Readmit": s.Readmit(ctx, "nobody")} {
			if !errors.Is(err, identity.ErrNotFound) {
				t.Errorf("%s of an unknown user: %v, want ErrNotFound", name, err)
			}
		}
	})
}

// TestSignInAdmittedRollsBack: a refusal by the admission leaves no user
// and no update behind; the admission sees whether the user existed.
func TestSignInAdmittedRollsBack(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, db *sqldb.DB, s *identity.Store, clk *clocktest.Clock) {
		ctx := context.Background()
		refused := errors.New("refused")
		var sawExisted []bool
		refuse := func(_ context.Context, _ *sqldb.Tx, _ identity.User, existed bool) error {
			sawExisted = append(sawExisted, existed)
			return refused
		}
		p := identity.Profile{Subject: "sub-2", Email: "Bea@Example.com", Name: "Bea"}
		if _, err := s.SignInAdmitted(ctx, p, nil, refuse); !errors.Is(err, refused) {
			t.Fatalf("refused sign-in: %v", err)
		}
		if _, err := s.UserByEmail(ctx, "bea@example.com"); !errors.Is(err, identity.ErrNotFound) {
			t.Errorf("a refused sign-in left a user: %v", err)
		}
		u, err := s.SignInAdmitted(ctx, p, nil, nil)
		if err != nil {
			t.Fatalf("admitted sign-in: %v", err)
		}
		p.Name = "Renamed"
		if _, err := s.SignInAdmitted(ctx, p, nil, refuse); !errors.Is(err, refused) {
			t.Fatalf("refused second sign-in: %v", err)
		}
		if got, _ := s.User(ctx, u.ID); got.Name != "Bea" {
			t.Errorf("a refused sign-in updated the user: %+v", got)
		}
		if len(sawExisted) != 2 || sawExisted[0] || !sawExisted[1] {
			t.Errorf("the admission saw existed = %v, want [false true]", sawExisted)
		}
	})
}
