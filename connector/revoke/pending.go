package revoke

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// retryBatch bounds how many revocations one RetryPending attempts.
const retryBatch = 100

// Pending is a revocation whose call to Google has not succeeded yet.
type Pending struct {
	UserID string
	// By is who revoked the user; the user themselves when Google reported
	// the revocation to the door.
	By Actor
	// RevokedAt is when the grant was revoked locally.
	RevokedAt time.Time
	// Attempts counts the attempts so far; LastError is why the last one
	// failed: googlehttp's failure code, a space and its detail.
	Attempts  int
	LastError string
	// ConfigError is true when the last attempt failed because Google
	// refused ScopeTrail's OAuth client (googlehttp.ClassConfig): an
	// administrator must fix the configuration.
	ConfigError bool
	// NextAt is when the next attempt is due; GiveUpAt is when the token is
	// deleted even if Google never confirmed.
	NextAt, GiveUpAt time.Time
}

// Pending returns the pending Google revocations, the oldest first.
func (s *Service) Pending(ctx context.Context) ([]Pending, error) {
	rvs, err := s.query(ctx, "google_pending = 1 ORDER BY revoked_at, user_id")
	if err != nil {
		return nil, fmt.Errorf("listing pending revocations: %w", err)
	}
	out := make([]Pending, 0, len(rvs))
	for _, rv := range rvs {
		out = append(out, rv.Pending)
	}
	return out, nil
}

// RetryPending makes one more attempt at every revocation not completed
// that is due, and returns how many it settled: completed, given up or dropped. These are the
// revocations whose call to Google, tokens, sessions or purge failed, and
// those the door marked when Google reported them, which have every local
// step left. Each attempt does only the steps left (see Service.Revoke for
// their order); a step that fails is tried again later, with exponential
// backoff. A call to Google that keeps failing is given up once
// Options.GiveUpAfter has passed since the revocation: the token is deleted
// anyway and a revoke entry with outcome error records that Google never
// confirmed. A revocation whose user has granted access again since is
// dropped, because revoking the new token would undo their new consent. Each
// call to Google is audited by the door, and each purge by a purge entry.
//
// Replicas may call RetryPending at the same time: each revocation is
// claimed by one of them for the duration of its attempt.
func (s *Service) RetryPending(ctx context.Context) (settled int, err error) {
	ctx = context.WithoutCancel(ctx)
	now := s.o.Now()
	due, err := s.query(ctx, "next_at <= ? ORDER BY next_at, user_id LIMIT ?", sqldb.Micros(now), retryBatch)
	if err != nil {
		return 0, fmt.Errorf("listing due revocations: %w", err)
	}
	var errs []error
	for _, rv := range due {
		ok, err := s.claim(ctx, rv.Pending, now)
		if err != nil || !ok {
			errs = append(errs, err)
			continue
		}
		if rv.By.ID == rv.UserID && rv.By.Email == "" {
			if u, err := s.o.Users.User(ctx, rv.UserID); err == nil {
				rv.By.Email = u.Email
			}
		}
		res, err := s.attempt(ctx, rv, now)
		if res.done {
			settled++
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("completing the revocation of %s: %w", rv.UserID, err))
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
			s.o.Logger.Error("completing revocations", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
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

// claim takes p for one attempt, for the lease, so that no other replica
// attempts it meanwhile. It reports false when another replica took it
// first.
func (s *Service) claim(ctx context.Context, p Pending, now time.Time) (bool, error) {
	res, err := s.o.DB.Exec(ctx, "UPDATE revocations SET next_at = ? WHERE user_id = ? AND next_at = ?",
		sqldb.Micros(now.Add(s.lease())), p.UserID, sqldb.Micros(p.NextAt))
	if err != nil {
		return false, fmt.Errorf("claiming the revocation of %s: %w", p.UserID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// query returns the revocations selected by the SQL that follows WHERE.
func (s *Service) query(ctx context.Context, where string, args ...any) ([]revocation, error) {
	rows, err := s.o.DB.Query(ctx, `SELECT user_id, actor_id, actor_email, revoked_at, google_pending, local_pending,
		attempts, last_error, next_at FROM revocations WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []revocation
	for rows.Next() {
		var rv revocation
		var revoked, next, google, local int64
		if err := rows.Scan(&rv.UserID, &rv.By.ID, &rv.By.Email, &revoked, &google, &local, &rv.Attempts, &rv.LastError, &next); err != nil {
			return nil, err
		}
		if rv.By.ID == "" {
			rv.By.ID = rv.UserID
		}
		rv.google, rv.local = google == 1, local == 1
		rv.ConfigError = strings.HasPrefix(rv.LastError, string(googlehttp.ClassConfig)+".")
		rv.RevokedAt, rv.NextAt = sqldb.FromMicros(revoked), sqldb.FromMicros(next)
		rv.GiveUpAt = rv.RevokedAt.Add(s.o.GiveUpAfter)
		out = append(out, rv)
	}
	return out, rows.Err()
}

// failure is what a revocation keeps of its last attempt's error:
// googlehttp's code and redacted detail, never the error's own text.
func failure(err error) string {
	f := googlehttp.Classify(err)
	return strings.TrimSpace(f.Code + " " + f.Detail)
}
