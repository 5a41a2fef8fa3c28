// Package invite keeps the invitations admins send to colleagues they found in
// the directory.
//
// An invitation names one email address. Its link carries a random 256-bit
// token, of which the database keeps only the SHA-256: the link is known when
// the invitation is issued, sent by email when a Mailer is configured, and
// otherwise shown to the admin once to copy. The link expires (after seven
// days by default) and can be withdrawn; issuing a new link ends the old one.
// The invitee accepts by signing in with the invited email, which uses up the
// invitation.
//
// Every step — issued, new link, email sent or failed, accepted, withdrawn —
// is an audit entry that names the invitation by its id and, on the steps an
// admin takes, the invitee's email as its subject; none holds message text.
package invite

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// DefaultTTL is how long an invitation link works when Options.TTL is 0.
const DefaultTTL = 7 * 24 * time.Hour

// MaxBatch is the most invitations one Invite call issues.
const MaxBatch = 100

// Errors returned by Service.
var (
	// ErrNotFound means no invitation has that id or link.
	ErrNotFound = errors.New("invite: no such invitation")
	// ErrExpired means the invitation's link is past its expiry.
	ErrExpired = errors.New("invite: invitation expired")
	// ErrWithdrawn means an admin withdrew the invitation.
	ErrWithdrawn = errors.New("invite: invitation withdrawn")
	// ErrAccepted means the invitation was already used.
	ErrAccepted = errors.New("invite: invitation already accepted")
	// ErrNotPending means the invitation was accepted or withdrawn, so it
	// can no longer be withdrawn or given a new link.
	ErrNotPending = errors.New("invite: invitation is no longer pending")
	// ErrInvalidEmail means an address to invite is not a plain email
	// address; the error names it.
	ErrInvalidEmail = errors.New("invite: not an email address")
	// ErrTooMany means more than MaxBatch addresses were given at once.
	ErrTooMany = errors.New("invite: too many addresses at once")
)

// Status is where an invitation stands.
type Status string

// Statuses. Only pending, accepted and withdrawn are stored: a pending
// invitation past its expiry reads as expired.
const (
	StatusPending   Status = "pending"
	StatusAccepted  Status = "accepted"
	StatusWithdrawn Status = "withdrawn"
	StatusExpired   Status = "expired"
)

// Invitation is one invited colleague.
type Invitation struct {
	ID string
	// Email is the invited address, lower-cased.
	Email string
	// InvitedBy and InvitedByEmail name the admin who invited.
	InvitedBy, InvitedByEmail string
	CreatedAt, ExpiresAt      time.Time
	Status                    Status
	// SentAt is when the latest email went out; zero when none did.
	// SendError is why the latest attempt failed, "" when it did not.
	SentAt    time.Time
	SendError string
	// AcceptedBy is the user who accepted; ClosedAt when the invitation was
	// accepted or withdrawn.
	AcceptedBy string
	ClosedAt   time.Time
}

// Issued is an invitation with its link, which only the call that issued it
// knows.
type Issued struct {
	Invitation
	Link string
}

// Batch is the result of Invite.
type Batch struct {
	// Issued are the new invitations.
	Issued []Issued
	// Skipped are the addresses that already had a pending invitation.
	Skipped []string
}

// Auditor records audit entries. *audit.Trail is one.
type Auditor interface {
	Append(ctx context.Context, e audit.Entry) (audit.Entry, error)
}

// Options configure a Service.
type Options struct {
	// DB holds the invitations. Required, migrated.
	DB *sqldb.DB
	// Audit records every step. Required.
	Audit Auditor
	// BaseURL is the app's public URL; links are BaseURL/invite/TOKEN.
	// Required.
	BaseURL string
	// Mailer sends the invitations; nil means links are shown to copy.
	Mailer Mailer
	// TTL is how long a link works; 0 means DefaultTTL.
	TTL time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Service issues, sends, withdraws and accepts invitations. It is safe for
// concurrent use.
type Service struct {
	db      *sqldb.DB
	audit   Auditor
	baseURL string
	mailer  Mailer
	ttl     time.Duration
	now     func() time.Time
}

// New returns a Service.
func New(o Options) (*Service, error) {
	if o.DB == nil || o.Audit == nil || o.BaseURL == "" {
		return nil, errors.New("invite.New: DB, Audit and BaseURL are required")
	}
	s := &Service{db: o.DB, audit: o.Audit, baseURL: strings.TrimRight(o.BaseURL, "/"), mailer: o.Mailer, ttl: o.TTL, now: o.Now}
	if s.ttl <= 0 {
		s.ttl = DefaultTTL
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s, nil
}

// Mailing reports whether invitations are sent by email. When they are not,
// the admin copies each link from the page.
func (s *Service) Mailing() bool { return s.mailer != nil }

// record appends an audit entry about an invitation.
func (s *Service) record(ctx context.Context, ev audit.Event, actorID, actorEmail, id string, outcome audit.Outcome, reason string) error {
	return s.recordAbout(ctx, ev, actorID, actorEmail, id, "", outcome, reason)
}

// recordAbout appends an audit entry about an invitation whose invitee,
// when not the actor, is its subject, named by email.
func (s *Service) recordAbout(ctx context.Context, ev audit.Event, actorID, actorEmail, id, invitee string, outcome audit.Outcome, reason string) error {
	if strings.EqualFold(invitee, actorEmail) {
		invitee = ""
	}
	_, err := s.audit.Append(ctx, audit.Entry{Event: ev, ActorID: actorID, ActorEmail: actorEmail, SubjectEmail: invitee,
		Purpose: string(scopes.PurposeInvite), Resource: "invitation=" + id, Outcome: outcome, ErrorReason: reason})
	if err != nil {
		return fmt.Errorf("auditing %s of invitation %s: %w", ev, id, err)
	}
	return nil
}
