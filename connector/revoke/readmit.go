package revoke

import (
	"context"
	"errors"
	"fmt"

	"github.com/scopetrail/scopetrail/scopes/audit"
)

// Readmit lets back in a user whose access an admin revoked: from then on
// they may sign in again, and grant access anew. Because it gives access
// back, it is audited first: the readmit entry is written before the user
// is unblocked, and nothing changes if it cannot be. It is idempotent, and
// returns an error wrapping identity.ErrNotFound for an unknown user.
func (s *Service) Readmit(ctx context.Context, userID string, by Actor) error {
	ctx = context.WithoutCancel(ctx)
	if _, err := s.o.Users.User(ctx, userID); err != nil {
		return fmt.Errorf("re-admitting %s: %w", userID, err)
	}
	begin, err := s.o.Trail.Begin(ctx, s.entry(ctx, audit.EventReadmit, by, userID))
	if err != nil {
		return fmt.Errorf("auditing the re-admission of %s, so nothing changed: %w", userID, err)
	}
	rerr := s.o.Users.Readmit(ctx, userID)
	res := audit.Result{Outcome: audit.OutcomeOK}
	if rerr != nil {
		res = audit.Result{Outcome: audit.OutcomeError, ErrorReason: "readmit_failed"}
	}
	if _, err := s.o.Trail.Complete(ctx, begin, res); err != nil {
		rerr = errors.Join(rerr, fmt.Errorf("auditing the outcome of re-admitting %s: %w", userID, err))
	}
	return rerr
}
