package revoke

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// revocation is a row of the revocations table: a revocation not completed
// yet, and the steps it has left.
type revocation struct {
	Pending
	// google is true while Google has not confirmed the revocation; the
	// token is kept for it. local is true while the tokens (once Google is
	// settled), the sessions or the personal data are left.
	google, local bool
	// config is true when Google refused ScopeTrail's OAuth client itself
	// on the last attempt: a configuration error that backoff does not cure.
	config bool
}

// result is what one attempt at a revocation did.
type result struct {
	google GoogleResult
	// googleErr is why the revocation at Google is still pending.
	googleErr     error
	tokensDeleted bool
	sessions      int
	purged        map[string]int64
	rows          int64
	// done is true when nothing is left: the revocation is completed, or
	// dropped.
	done bool
}

// record writes the revocation of userID by by, with every step pending,
// claimed by this process for as long as a claim of RetryPending lasts. A
// revocation already recorded keeps its time, and so its deadline at Google.
func (s *Service) record(ctx context.Context, userID string, by Actor, reason string, now time.Time) (revocation, error) {
	_, err := s.o.DB.Exec(ctx, `INSERT INTO revocations (user_id, reason, actor_id, actor_email, revoked_at, google_pending, local_pending, next_at)
		VALUES (?, ?, ?, ?, ?, 1, 1, ?)
		ON CONFLICT (user_id) DO UPDATE SET reason = excluded.reason, actor_id = excluded.actor_id,
			actor_email = excluded.actor_email, google_pending = 1, local_pending = 1, next_at = excluded.next_at`,
		userID, reason, by.ID, by.Email, sqldb.Micros(now), sqldb.Micros(now.Add(s.lease())))
	if err != nil {
		return revocation{}, fmt.Errorf("recording the revocation: %w", err)
	}
	rvs, err := s.query(ctx, "user_id = ?", userID)
	if err != nil || len(rvs) != 1 {
		return revocation{}, errors.Join(fmt.Errorf("reading the recorded revocation back: %d rows", len(rvs)), err)
	}
	return rvs[0], nil
}

// attempt makes one attempt at every step rv has left, in order: Google's
// revoke call, then the tokens; the sessions; the purge. It records what is
// still left, to be tried again after the backoff, or deletes the row when
// nothing is. A revocation whose user has granted access again since is
// dropped, because revoking the new token or purging what the new grant
// fetched would undo their new consent.
func (s *Service) attempt(ctx context.Context, rv revocation, now time.Time) (result, error) {
	var res result
	g, err := s.o.Grants.Get(ctx, rv.UserID)
	switch {
	case errors.Is(err, grant.ErrNotFound):
	case err != nil:
		return res, err
	case g.Status != grant.StatusRevoked:
		res.done = true
		return res, errors.Join(s.drop(ctx, rv.UserID), s.abandoned(ctx, rv, "superseded: the user granted access again"))
	}
	rv.Attempts++
	var errs []error
	wasGoogle := rv.google
	if rv.google {
		var gerr error
		res.google, gerr = s.revokeAtGoogle(ctx, rv.UserID)
		switch {
		case gerr == nil:
			rv.google = false
		case !now.Before(rv.GiveUpAt):
			errs = append(errs, s.abandoned(ctx, rv, fmt.Sprintf("gave up after %d attempts; token deleted", rv.Attempts)))
			rv.google = false
		default:
			res.googleErr = gerr
			rv.LastError = failure(gerr)
			rv.config = googlehttp.Classify(gerr).Class == googlehttp.ClassConfig
		}
	}
	var tokErr error
	if !rv.google && (wasGoogle || rv.local) {
		if err := s.o.Tokens.Delete(ctx, rv.UserID); err != nil {
			tokErr = fmt.Errorf("deleting the tokens: %w", err)
		}
		res.tokensDeleted = tokErr == nil
	}
	localErr := tokErr
	if rv.local {
		n, err := s.o.Users.EndUserSessions(ctx, rv.UserID)
		res.sessions = n
		if err != nil {
			localErr = errors.Join(localErr, fmt.Errorf("ending the sessions: %w", err))
		}
		res.purged, res.rows, err = s.purge(ctx, rv.UserID, rv.By)
		localErr = errors.Join(localErr, err)
	}
	rv.local = localErr != nil
	if localErr != nil {
		errs = append(errs, localErr)
		if res.googleErr == nil {
			rv.LastError = failure(localErr)
		}
	}
	res.done = !rv.google && !rv.local
	return res, errors.Join(append(errs, s.save(ctx, rv, now))...)
}

// save records what rv has left, due after the backoff (after RetryMax
// when Google refused the client's configuration, which only an
// administrator can fix: a restart with the fixed configuration retries at
// once), or deletes its row when nothing is.
func (s *Service) save(ctx context.Context, rv revocation, now time.Time) error {
	if !rv.google && !rv.local {
		return s.drop(ctx, rv.UserID)
	}
	wait := s.backoff(rv.Attempts)
	if rv.config {
		wait = s.o.RetryMax
	}
	_, err := s.o.DB.Exec(ctx, `UPDATE revocations SET google_pending = ?, local_pending = ?, attempts = ?, last_error = ?, next_at = ?
		WHERE user_id = ?`, flag(rv.google), flag(rv.local), rv.Attempts, rv.LastError,
		sqldb.Micros(now.Add(wait)), rv.UserID)
	if err != nil {
		return fmt.Errorf("recording what the revocation of %s has left: %w", rv.UserID, err)
	}
	return nil
}

// drop deletes the revocation of a user, if any: it is completed, or will
// not be.
func (s *Service) drop(ctx context.Context, userID string) error {
	if _, err := s.o.DB.Exec(ctx, "DELETE FROM revocations WHERE user_id = ?", userID); err != nil {
		return fmt.Errorf("settling the revocation of %s: %w", userID, err)
	}
	return nil
}

// abandoned writes the revoke entry of a revocation at Google that will not
// be made.
func (s *Service) abandoned(ctx context.Context, rv revocation, why string) error {
	e := s.entry(ctx, audit.EventRevoke, rv.By, rv.UserID)
	e.Outcome, e.ErrorReason = audit.OutcomeError, why
	if rv.google {
		e.APIName, e.MethodName = "oauth2", "oauth2.revoke"
	}
	if _, err := s.o.Trail.Append(ctx, e); err != nil {
		return fmt.Errorf("auditing the abandoned revocation: %w", err)
	}
	return nil
}

// lease is how long an attempt holds a revocation: two Google timeouts, so
// that no other replica attempts it meanwhile.
func (s *Service) lease() time.Duration { return 2 * s.o.GoogleTimeout }

// flag is a boolean as the revocations table stores it.
func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}
