// Package revoke ends a user's Google access, completely and at once, and
// suspends or resumes single scopes.
//
// Service.Revoke first records the revocation and marks the user's grant
// revoked, so that from that moment the door refuses every request for the
// user in this process and in every replica that shares the database (the
// door reads the grant on each request). It then asks Google to revoke the
// grant, deletes the tokens, ends the user's sessions, purges the personal
// data fetched for them and writes the audit entries. Every step is
// idempotent, so revoking twice is safe.
//
// Completing a revocation is durable work: the revocations table holds a row
// for every revocation not completed, written in the same transaction that
// marks the grant (grant.Store.Revoke), with the steps still to do. A step
// that fails stays recorded; RetryPending (run periodically by Run) finishes
// every recorded revocation with backoff, and deletes the row once nothing
// is left. The door only marks the grant when Google answers invalid_grant
// (the user removed the app from their Google account); RetryPending
// completes those revocations too.
//
// Google's revoke endpoint needs the token, so when the call fails the sealed
// token is kept, unusable behind the revoked grant, until a retry succeeds,
// or until Options.GiveUpAfter has passed: then it is deleted anyway.
package revoke

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// Sentinel errors.
var (
	// ErrUnknownScope means a scope is not one ScopeTrail uses for an API.
	ErrUnknownScope = errors.New("revoke: not a scope that can be suspended")
)

// Actor is who asked for a revocation, suspension or resumption, as the
// audit trail names them.
type Actor struct {
	// ID is a user id, or a name such as "cli:alice" for the command line.
	ID, Email string
}

// Grants is what the service needs of the grants. *grant.Store is one.
type Grants interface {
	// Get returns the grant of a user, or an error wrapping
	// grant.ErrNotFound.
	Get(ctx context.Context, userID string) (grant.Grant, error)
	// Revoke marks the grant revoked; it returns grant.ErrNotFound when the
	// user has none.
	Revoke(ctx context.Context, userID, reason string) error
	// Suspend and Resume suspend and lift one scope.
	Suspend(ctx context.Context, userID, scope string) error
	Resume(ctx context.Context, userID, scope string) error
}

// Google revokes a user's grant at Google. *googlehttp.Door is one: its
// Revoke works for grants already revoked locally, returns an error wrapping
// googlehttp.ErrNoToken when no token is held, and audits the call.
type Google interface {
	Revoke(ctx context.Context, userID string) error
}

// Tokens deletes a user's token. *tokens.Store is one.
type Tokens interface {
	Delete(ctx context.Context, userID string) error
}

// Users finds users and ends their sessions. *identity.Store is one.
type Users interface {
	// User returns a user, or an error wrapping identity.ErrNotFound.
	User(ctx context.Context, id string) (identity.User, error)
	// EndUserSessions ends every live session of a user.
	EndUserSessions(ctx context.Context, userID string) (int, error)
	// Block keeps a user from signing in until Readmit; by names who.
	Block(ctx context.Context, userID, by string) error
	// Readmit lets a blocked user sign in again.
	Readmit(ctx context.Context, userID string) error
}

// Purger removes the personal data fetched for a user from one feature's
// store. Each feature's store is one, and names itself.
type Purger interface {
	// Purge removes the user's rows and returns how many it removed.
	Purge(ctx context.Context, userID string) (int64, error)
	// PurgeName names the store in reports and audit entries, such as
	// "calendars".
	PurgeName() string
}

// Defaults of Options.
const (
	DefaultRetryBase     = time.Minute
	DefaultRetryMax      = time.Hour
	DefaultGiveUpAfter   = 24 * time.Hour
	DefaultGoogleTimeout = 15 * time.Second
)

// Options configure a Service. DB, Grants, Tokens, Users and Trail are
// required.
type Options struct {
	// DB holds the revocations not completed yet.
	DB     *sqldb.DB
	Grants Grants
	Tokens Tokens
	Users  Users
	Trail  *audit.Trail
	// Google revokes grants at Google. Without it (a command run where
	// Google cannot be reached) every Google revocation is left pending for
	// a process that has it.
	Google Google
	// Purgers remove the user's personal data: every feature's store, each
	// with a name of its own.
	Purgers []Purger
	// ClientID is the OAuth client named in audit entries.
	ClientID string
	// RetryBase and RetryMax bound the backoff between attempts at a
	// revocation not completed; GiveUpAfter is how long after the
	// revocation the token is deleted even if Google never confirmed.
	// GoogleTimeout bounds one call to Google.
	RetryBase, RetryMax, GiveUpAfter, GoogleTimeout time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives the errors of Run; nil means slog.Default().
	Logger *slog.Logger
}

// Service revokes users, suspends and resumes scopes, and completes the
// revocations left unfinished. It is safe for concurrent use, and several replicas
// may share one database.
type Service struct {
	o       Options
	purgers []Purger // o.Purgers, sorted by name
}

// New returns a Service.
func New(o Options) (*Service, error) {
	var missing []error
	for name, ok := range map[string]bool{"DB": o.DB != nil, "Grants": o.Grants != nil, "Tokens": o.Tokens != nil,
		"Users": o.Users != nil, "Trail": o.Trail != nil} {
		if !ok {
			missing = append(missing, fmt.Errorf("revoke: Options.%s is required", name))
		}
	}
	purgers := slices.SortedFunc(slices.Values(o.Purgers), func(a, b Purger) int { return strings.Compare(a.PurgeName(), b.PurgeName()) })
	for i := 1; i < len(purgers); i++ {
		if purgers[i].PurgeName() == purgers[i-1].PurgeName() {
			missing = append(missing, fmt.Errorf("revoke: two purgers are named %q", purgers[i].PurgeName()))
		}
	}
	if err := errors.Join(missing...); err != nil {
		return nil, err
	}
	o.RetryBase = orDefault(o.RetryBase, DefaultRetryBase)
	o.RetryMax = orDefault(o.RetryMax, DefaultRetryMax)
	o.GiveUpAfter = orDefault(o.GiveUpAfter, DefaultGiveUpAfter)
	o.GoogleTimeout = orDefault(o.GoogleTimeout, DefaultGoogleTimeout)
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Service{o: o, purgers: purgers}, nil
}

// orDefault returns d when it is positive, else def.
func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// entry returns an audit entry of event by actor about userID, whom it
// names as its subject when they are not the actor.
func (s *Service) entry(ctx context.Context, event audit.Event, by Actor, userID string) audit.Entry {
	e := audit.Entry{Event: event, ActorID: by.ID, ActorEmail: by.Email, ClientID: s.o.ClientID, Resource: userID}
	if userID != by.ID {
		e.SubjectID, e.SubjectEmail = userID, s.email(ctx, userID)
	}
	return e
}
