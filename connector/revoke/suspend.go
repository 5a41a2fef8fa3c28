package revoke

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

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
// writes a suspend entry naming by, the user as its subject, the scope and
// the reason (see CleanNote; it may be empty). The scope may be a short
// name. It is idempotent. It returns ErrUnknownScope, or errors wrapping
// grant.ErrNotFound and grant.ErrScopeNotGranted.
func (s *Service) Suspend(ctx context.Context, userID, scope string, by Actor, reason string) error {
	name, err := LookupScope(scope)
	if err != nil {
		return err
	}
	ctx = context.WithoutCancel(ctx)
	if err := s.o.Grants.Suspend(ctx, userID, name); err != nil {
		return err // grant names the scope and the user
	}
	e := s.entry(ctx, audit.EventSuspend, by, userID)
	e.Scope, e.Outcome, e.ErrorReason = name, audit.OutcomeOK, CleanNote(reason)
	if _, err := s.o.Trail.Append(ctx, e); err != nil {
		return fmt.Errorf("auditing the suspension of %s for %s: %w", name, userID, err)
	}
	return s.note(ctx, userID, name, by, e.ErrorReason)
}

// Resume lifts the suspension of one scope of a user. Because it gives
// access back, it is audited first: the resume entry, naming the user as
// its subject and the reason (see CleanNote; it may be empty), is written
// before the suspension is lifted, and nothing changes if it cannot be. The
// scope may be a short name. It is idempotent. It returns ErrUnknownScope,
// or an error wrapping grant.ErrNotFound.
func (s *Service) Resume(ctx context.Context, userID, scope string, by Actor, reason string) error {
	name, err := LookupScope(scope)
	if err != nil {
		return err
	}
	ctx = context.WithoutCancel(ctx)
	e := s.entry(ctx, audit.EventResume, by, userID)
	e.Scope, e.ErrorReason = name, CleanNote(reason)
	begin, err := s.o.Trail.Begin(ctx, e)
	if err != nil {
		return fmt.Errorf("auditing the resumption of %s for %s, so nothing was resumed: %w", name, userID, err)
	}
	rerr := s.o.Grants.Resume(ctx, userID, name)
	if rerr == nil {
		rerr = s.unnote(ctx, userID, name)
	}
	res := audit.Result{Outcome: audit.OutcomeOK, ErrorReason: e.ErrorReason}
	if rerr != nil {
		res = audit.Result{Outcome: audit.OutcomeError, ErrorReason: "resume_failed"}
	}
	if _, err := s.o.Trail.Complete(ctx, begin, res); err != nil {
		rerr = errors.Join(rerr, fmt.Errorf("auditing the outcome of resuming %s for %s: %w", name, userID, err))
	}
	return rerr
}

// MaxNote bounds the reason of a suspension or resumption, in runes.
const MaxNote = maxReason

// CleanNote makes the reason given for a suspension or a resumption one
// printable line of at most MaxNote runes, as a revocation's reason; an
// empty reason stays empty.
func CleanNote(reason string) string {
	if strings.TrimSpace(reason) == "" {
		return ""
	}
	return cleanReason(reason)
}

// email returns the email of a user, for the audit entries that name them;
// "" when the user cannot be read, as the entry must be written anyway.
func (s *Service) email(ctx context.Context, userID string) string {
	u, err := s.o.Users.User(ctx, userID)
	if err != nil {
		return ""
	}
	return u.Email
}
