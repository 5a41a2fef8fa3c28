package revoke

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
)

// GoogleResult is what became of a revocation at Google.
type GoogleResult string

// Google results.
const (
	// GoogleRevoked means Google confirmed, or already held the token
	// invalid.
	GoogleRevoked GoogleResult = "revoked"
	// GoogleNoToken means no token was held, so there was nothing to revoke
	// at Google: the user never linked a feature, or was revoked before.
	GoogleNoToken GoogleResult = "no_token"
	// GooglePending means the call failed or could not be made. It is
	// retried; until it succeeds the sealed token is kept, unusable behind
	// the revoked grant.
	GooglePending GoogleResult = "pending"
)

// maxReason bounds the length of a revocation reason, in runes.
const maxReason = 200

// errNoGoogle is why a revocation is pending in a process without Google.
var errNoGoogle = errors.New("this process does not reach Google")

// Report says what a revocation did.
type Report struct {
	UserID string
	// HadGrant is false when the user never granted a scope; WasRevoked is
	// true when the grant was already revoked before this revocation.
	HadGrant, WasRevoked bool
	Google               GoogleResult
	// GoogleError says why the revocation at Google is pending, as
	// googlehttp's failure code and redacted detail.
	GoogleError   string
	TokensDeleted bool
	SessionsEnded int
	// Purged gives the rows each purger removed; PurgedRows is their sum.
	Purged     map[string]int64
	PurgedRows int64
}

// Revoke revokes every access of a user, in this order: when by is not the
// user (an admin, or the command line), it blocks the user from signing in
// again until Readmit; it records the
// revocation and marks the grant revoked (from then on no request for the
// user leaves any replica), asks Google to revoke the grant, deletes the
// tokens (or, when Google could not be reached, keeps them until a retry
// succeeds: see RetryPending), ends the user's sessions, purges their
// personal data (audited as a purge entry with the rows removed) and writes
// a revoke entry naming by, the user and the reason.
//
// Revoke is idempotent and completes even if ctx is cancelled midway. It
// returns an error wrapping identity.ErrNotFound for an unknown user, and
// stops before doing anything else when the revocation cannot be recorded
// or the grant cannot be marked. Later steps that fail do not stop the
// others; their errors are joined, the Report says what was done, and
// RetryPending finishes what is left.
func (s *Service) Revoke(ctx context.Context, userID string, by Actor, reason string) (Report, error) {
	ctx = context.WithoutCancel(ctx)
	reason = cleanReason(reason)
	r := Report{UserID: userID}
	if _, err := s.o.Users.User(ctx, userID); err != nil {
		return r, fmt.Errorf("revoking %s: %w", userID, err)
	}
	if by.ID != userID {
		if err := s.o.Users.Block(ctx, userID, cmp.Or(by.Email, by.ID)); err != nil {
			return r, fmt.Errorf("revoking %s: %w", userID, err)
		}
	}
	g, err := s.o.Grants.Get(ctx, userID)
	switch {
	case errors.Is(err, grant.ErrNotFound):
	case err != nil:
		return r, fmt.Errorf("revoking %s: %w", userID, err)
	default:
		r.HadGrant, r.WasRevoked = true, g.Status == grant.StatusRevoked
	}
	now := s.o.Now()
	rv, err := s.record(ctx, userID, by, reason, now)
	if err != nil {
		return r, fmt.Errorf("revoking %s: %w", userID, err)
	}
	if r.HadGrant && !r.WasRevoked {
		if err := s.o.Grants.Revoke(ctx, userID, reason); err != nil {
			return r, fmt.Errorf("revoking %s: %w", userID, errors.Join(err, s.drop(ctx, userID)))
		}
	}

	res, err := s.attempt(ctx, rv, now)
	r.Google, r.TokensDeleted, r.SessionsEnded, r.Purged, r.PurgedRows = res.google, res.tokensDeleted, res.sessions, res.purged, res.rows
	if res.googleErr != nil {
		r.GoogleError = failure(res.googleErr)
	}
	e := s.entry(ctx, audit.EventRevoke, by, userID)
	e.Outcome, e.ErrorReason = audit.OutcomeOK, reason
	if err != nil {
		e.Outcome = audit.OutcomeError
	}
	if _, aerr := s.o.Trail.Append(ctx, e); aerr != nil {
		err = errors.Join(err, fmt.Errorf("auditing the revocation of %s: %w", userID, aerr))
	}
	if err != nil {
		return r, fmt.Errorf("revoking %s: %w", userID, err)
	}
	return r, nil
}

// revokeAtGoogle asks Google to revoke the user's grant. An error means the
// revocation is pending.
func (s *Service) revokeAtGoogle(ctx context.Context, userID string) (GoogleResult, error) {
	if s.o.Google == nil {
		return GooglePending, errNoGoogle
	}
	ctx, cancel := context.WithTimeout(ctx, s.o.GoogleTimeout)
	defer cancel()
	err := s.o.Google.Revoke(ctx, userID)
	switch {
	case err == nil:
		return GoogleRevoked, nil
	case googlehttp.Classify(err).Class == googlehttp.ClassNoToken:
		return GoogleNoToken, nil
	}
	return GooglePending, err
}

// purge runs every purger, even after one fails, and writes a purge entry
// whose Items is the number of rows removed.
func (s *Service) purge(ctx context.Context, userID string, by Actor) (map[string]int64, int64, error) {
	return s.purgeWith(ctx, userID, by, s.purgers, "")
}

// purgeWith runs the purgers given, even after one fails, and writes a
// purge entry whose Items is the number of rows removed and whose Purpose,
// when set, names the one feature purged.
func (s *Service) purgeWith(ctx context.Context, userID string, by Actor, purgers []Purger, purpose scopes.Purpose) (map[string]int64, int64, error) {
	rows := make(map[string]int64, len(purgers))
	var total int64
	var failed []string
	var errs []error
	for _, p := range purgers {
		name := p.PurgeName()
		n, err := p.Purge(ctx, userID)
		if err != nil {
			failed = append(failed, name)
			errs = append(errs, fmt.Errorf("purging %s: %w", name, err))
			continue
		}
		rows[name] = n
		total += n
	}
	e := s.entry(ctx, audit.EventPurge, by, userID)
	e.Outcome, e.Items, e.Purpose = audit.OutcomeOK, total, string(purpose)
	if len(failed) > 0 {
		e.Outcome, e.ErrorReason = audit.OutcomeError, "failed: "+strings.Join(failed, ", ")
	}
	if _, err := s.o.Trail.Append(ctx, e); err != nil {
		errs = append(errs, fmt.Errorf("auditing the purge: %w", err))
	}
	return rows, total, errors.Join(errs...)
}

// cleanReason makes a reason one printable line of at most maxReason runes;
// an empty reason becomes "revoked".
func cleanReason(reason string) string {
	reason = strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return ' '
	}, reason)), " ")
	if r := []rune(reason); len(r) > maxReason {
		reason = string(r[:maxReason])
	}
	if reason == "" {
		return "revoked"
	}
	return reason
}
