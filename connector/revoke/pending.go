package revoke

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
)

// maxLastError bounds the stored error of the last attempt, in bytes.
const maxLastError = 500

// retryBatch bounds how many pending revocations one RetryPending settles.
const retryBatch = 100

// Pending is a revocation whose call to Google has not succeeded yet.
type Pending struct {
	UserID string
	// By is who revoked the user.
	By Actor
	// RevokedAt is when the grant was revoked locally.
	RevokedAt time.Time
	// Attempts counts the calls to Google so far; LastError is why the last
	// one failed.
	Attempts  int
	LastError string
	// NextAt is when the next attempt is due; GiveUpAt is when the token is
	// deleted even if Google never confirmed.
	NextAt, GiveUpAt time.Time
}

// Pending returns the pending Google revocations, the oldest first.
func (s *Service) Pending(ctx context.Context) ([]Pending, error) {
	out, err := s.queryPending(ctx, "1 = 1 ORDER BY revoked_at, user_id")
	if err != nil {
		return nil, fmt.Errorf("listing pending revocations: %w", err)
	}
	return out, nil
}

// RetryPending calls Google again for every pending revocation that is due,
// and returns how many it settled. One that succeeds (or finds no token)
// has its token deleted. One that fails is tried again later, with
// exponential backoff, until Options.GiveUpAfter has passed since the
// revocation: then the token is deleted anyway and a revoke entry with
// outcome error records that Google never confirmed. One whose user has
// granted access again since is dropped, because revoking the new token
// would undo their new consent. Each call to Google is audited by the door.
//
// Replicas may call RetryPending at the same time: each pending revocation
// is claimed by one of them for the duration of its attempt.
func (s *Service) RetryPending(ctx context.Context) (settled int, err error) {
	now := s.o.Now()
	due, err := s.queryPending(ctx, "next_at <= ? ORDER BY next_at, user_id LIMIT ?", now.UnixMicro(), retryBatch)
	if err != nil {
		return 0, fmt.Errorf("listing due revocations: %w", err)
	}
	var errs []error
	for _, p := range due {
		ok, err := s.claim(ctx, p, now)
		if err != nil || !ok {
			errs = append(errs, err)
			continue
		}
		done, err := s.retry(ctx, p, now)
		if done {
			settled++
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("retrying the revocation of %s: %w", p.UserID, err))
		}
	}
	return settled, errors.Join(errs...)
}

// Run calls RetryPending at once and then every interval until ctx ends,
// logging its errors.
func (s *Service) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.RetryPending(ctx); err != nil && ctx.Err() == nil {
			s.o.Logger.Error("retrying pending Google revocations", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// retry makes one more attempt for p and reports whether p is settled.
func (s *Service) retry(ctx context.Context, p Pending, now time.Time) (bool, error) {
	g, err := s.o.Grants.Get(ctx, p.UserID)
	switch {
	case errors.Is(err, grant.ErrNotFound):
	case err != nil:
		return false, err
	case g.Status != grant.StatusRevoked:
		return true, errors.Join(s.dropPending(ctx, p.UserID),
			s.abandoned(ctx, p, "superseded: the user granted access again"))
	}
	_, gerr := s.revokeAtGoogle(ctx, p.UserID)
	if gerr == nil {
		return true, s.deleteTokens(ctx, p.UserID)
	}
	attempts := p.Attempts + 1
	if !now.Before(p.GiveUpAt) {
		return true, errors.Join(s.deleteTokens(ctx, p.UserID),
			s.abandoned(ctx, p, fmt.Sprintf("gave up after %d attempts; token deleted", attempts)))
	}
	_, err = s.o.DB.Exec(ctx, "UPDATE revocations SET attempts = ?, last_error = ?, next_at = ? WHERE user_id = ?",
		attempts, truncate(gerr.Error(), maxLastError), now.Add(s.backoff(attempts)).UnixMicro(), p.UserID)
	return false, err
}

// abandoned writes the revoke entry of a Google revocation that will not be
// made.
func (s *Service) abandoned(ctx context.Context, p Pending, why string) error {
	e := s.entry(audit.EventRevoke, p.By, p.UserID)
	e.APIName, e.MethodName, e.Outcome, e.ErrorReason = "oauth2", "oauth2.revoke", audit.OutcomeError, why
	if _, err := s.o.Trail.Append(ctx, e); err != nil {
		return fmt.Errorf("auditing the abandoned revocation: %w", err)
	}
	return nil
}

// backoff is the wait before attempt number attempts+1: RetryBase doubled
// for each attempt after the first, at most RetryMax.
func (s *Service) backoff(attempts int) time.Duration {
	d := s.o.RetryBase
	for i := 1; i < attempts && d < s.o.RetryMax; i++ {
		d *= 2
	}
	return min(d, s.o.RetryMax)
}

// addPending records a failed first call to Google. A revocation already
// pending keeps its time, actor and deadline.
func (s *Service) addPending(ctx context.Context, userID string, by Actor, lastErr string) error {
	now := s.o.Now()
	_, err := s.o.DB.Exec(ctx, `INSERT INTO revocations (user_id, actor_id, actor_email, revoked_at, attempts, last_error, next_at, give_up_at)
		VALUES (?, ?, ?, ?, 1, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET attempts = revocations.attempts + 1, last_error = excluded.last_error,
			next_at = excluded.next_at`,
		userID, by.ID, by.Email, now.UnixMicro(), truncate(lastErr, maxLastError), now.Add(s.o.RetryBase).UnixMicro(),
		now.Add(s.o.GiveUpAfter).UnixMicro())
	if err != nil {
		return fmt.Errorf("recording the pending Google revocation of %s: %w", userID, err)
	}
	return nil
}

// dropPending forgets the pending Google revocation of a user, if any.
func (s *Service) dropPending(ctx context.Context, userID string) error {
	if _, err := s.o.DB.Exec(ctx, "DELETE FROM revocations WHERE user_id = ?", userID); err != nil {
		return fmt.Errorf("settling the pending Google revocation of %s: %w", userID, err)
	}
	return nil
}

// claim takes p for one attempt, as long as two Google timeouts, so that
// no other replica attempts it meanwhile. It reports false when another
// replica took it first.
func (s *Service) claim(ctx context.Context, p Pending, now time.Time) (bool, error) {
	res, err := s.o.DB.Exec(ctx, "UPDATE revocations SET next_at = ? WHERE user_id = ? AND next_at = ?",
		now.Add(2*s.o.GoogleTimeout).UnixMicro(), p.UserID, p.NextAt.UnixMicro())
	if err != nil {
		return false, fmt.Errorf("claiming the pending revocation of %s: %w", p.UserID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// queryPending returns the pending revocations selected by the SQL that
// follows WHERE.
func (s *Service) queryPending(ctx context.Context, where string, args ...any) ([]Pending, error) {
	rows, err := s.o.DB.Query(ctx, `SELECT user_id, actor_id, actor_email, revoked_at, attempts, last_error, next_at, give_up_at
		FROM revocations WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Pending
	for rows.Next() {
		var p Pending
		var revoked, next, giveUp int64
		if err := rows.Scan(&p.UserID, &p.By.ID, &p.By.Email, &revoked, &p.Attempts, &p.LastError, &next, &giveUp); err != nil {
			return nil, err
		}
		p.RevokedAt, p.NextAt, p.GiveUpAt = time.UnixMicro(revoked).UTC(), time.UnixMicro(next).UTC(), time.UnixMicro(giveUp).UTC()
		out = append(out, p)
	}
	return out, rows.Err()
}

// truncate cuts s to at most n bytes, on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
