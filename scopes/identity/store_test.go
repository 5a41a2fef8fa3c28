package identity_test

import (
	"context"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/scopes/clocktest"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// t0 is when every test clock starts.
var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// eachStore runs fn on each backend, in parallel, with a Store on a fresh
// database whose clock stands at t0.
func eachStore(t *testing.T, fn func(t *testing.T, db *sqldb.DB, s *identity.Store, clk *clocktest.Clock)) {
	t.Helper()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		t.Parallel()
		clk := clocktest.New(t0)
		fn(t, db, identity.NewStore(db, clk.Now), clk)
	})
}

// signIn signs a person in, without admin emails, and fails the test if
// that fails.
func signIn(t *testing.T, s *identity.Store, sub, email, name string) identity.User {
	t.Helper()
	u, err := s.SignIn(context.Background(), sub, email, name, "", nil)
	if err != nil {
		t.Fatalf("SignIn %s: %v", email, err)
	}
	return u
}
