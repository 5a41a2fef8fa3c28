package identity

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// Profile is what a sign-in says of the Google account.
type Profile struct {
	// Subject is the account's stable id (the ID token's "sub").
	Subject string
	// Email is the account's verified email, in any case.
	Email         string
	Name, Picture string
}

// Admission decides, inside a sign-in's transaction, whether the account
// may sign in. u is the user as the sign-in leaves them; existed is false
// when the sign-in has just created them. Its error rolls the sign-in back
// and is returned by SignInAdmitted, wrapped. It may write to tx, as
// accepting an invitation does.
type Admission func(ctx context.Context, tx *sqldb.Tx, u User, existed bool) error

// check runs a, admitting everyone when a is nil.
func (a Admission) check(ctx context.Context, tx *sqldb.Tx, u User, existed bool) error {
	if a == nil {
		return nil
	}
	return a(ctx, tx, u, existed)
}

// Block shuts a user out until Readmit: an admin revoked their access.
// by names the admin. It keeps the first block's time and author when the
// user is blocked already. It returns ErrNotFound for an unknown id.
func (s *Store) Block(ctx context.Context, id, by string) error {
	res, err := s.db.Exec(ctx, "UPDATE users SET blocked_at = CASE WHEN blocked_at = 0 THEN ? ELSE blocked_at END, "+
		"blocked_by_email = CASE WHEN blocked_at = 0 THEN ? ELSE blocked_by_email END WHERE id = ?", sqldb.Micros(s.clock()), by, id)
	return s.changed(res, err, "blocking", id)
}

// Readmit lets a blocked user sign in again. It is idempotent, and returns
// ErrNotFound for an unknown id.
func (s *Store) Readmit(ctx context.Context, id string) error {
	res, err := s.db.Exec(ctx, "UPDATE users SET blocked_at = 0, blocked_by_email = '' WHERE id = ?", id)
	return s.changed(res, err, "re-admitting", id)
}

// changed turns the result of an UPDATE of one user into an error: the
// update's, or ErrNotFound when no row had the id.
func (s *Store) changed(res sql.Result, err error, doing, id string) error {
	if err != nil {
		return fmt.Errorf("identity: %s %s: %w", doing, id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("identity: %s %s: %w", doing, id, err)
	}
	if n == 0 {
		return fmt.Errorf("identity: user %s: %w", id, ErrNotFound)
	}
	return nil
}
