package revoke

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
)

// Suspendable reports whether a scope can be suspended: it is in the
// registry and serves an API, not sign-in.
func Suspendable(s scopes.Scope) bool {
	return len(s.Purposes) > 0 && !slices.Contains(s.Purposes, scopes.PurposeSignIn)
}

// LookupScope returns the full name of a scope that can be suspended, given
// its full name or its short name such as "drive.readonly". It returns
// ErrUnknownScope for any other name.
func LookupScope(name string) (string, error) {
	for _, s := range scopes.All() {
		if (s.Name == name || s.Short == name) && Suspendable(s) {
			return s.Name, nil
		}
	}
	return "", fmt.Errorf("%w: %q", ErrUnknownScope, name)
}

// Suspend suspends one granted scope of a user locally: from then on the
// door refuses every request that would use it, in every replica. It then
// writes a suspend entry naming by, the user and the scope. The scope may be
// a short name. It is idempotent. It returns ErrUnknownScope, or errors
// wrapping grant.ErrNotFound and grant.ErrScopeNotGranted.
func (s *Service) Suspend(ctx context.Context, userID, scope string, by Actor) error {
	name, err := LookupScope(scope)
	if err != nil {
		return err
	}
	ctx = context.WithoutCancel(ctx)
	if err := s.o.Grants.Suspend(ctx, userID, name); err != nil {
		return err // grant names the scope and the user
	}
	e := s.entry(audit.EventSuspend, by, userID)
	e.Scope, e.Outcome = name, audit.OutcomeOK
	if _, err := s.o.Trail.Append(ctx, e); err != nil {
		return fmt.Errorf("auditing the suspension of %s for %s: %w", name, userID, err)
	}
	return nil
}

// Resume lifts the suspension of one scope of a user. Because it gives
// access back, it is audited first: the resume entry is written before the
// suspension is lifted, and nothing changes if it cannot be. The scope may
// be a short name. It is idempotent. It returns ErrUnknownScope, or an error
// wrapping grant.ErrNotFound.
func (s *Service) Resume(ctx context.Context, userID, scope string, by Actor) error {
	name, err := LookupScope(scope)
	if err != nil {
		return err
	}
	ctx = context.WithoutCancel(ctx)
	e := s.entry(audit.EventResume, by, userID)
	e.Scope = name
	begin, err := s.o.Trail.Begin(ctx, e)
	if err != nil {
		return fmt.Errorf("auditing the resumption of %s for %s, so nothing was resumed: %w", name, userID, err)
	}
	rerr := s.o.Grants.Resume(ctx, userID, name)
	res := audit.Result{Outcome: audit.OutcomeOK}
	if rerr != nil {
		res = audit.Result{Outcome: audit.OutcomeError, ErrorReason: "resume_failed"}
	}
	if _, err := s.o.Trail.Complete(ctx, begin, res); err != nil {
		rerr = errors.Join(rerr, fmt.Errorf("auditing the outcome of resuming %s for %s: %w", name, userID, err))
	}
	return rerr
}
