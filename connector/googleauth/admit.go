package googleauth

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/scopetrail/scopetrail/connector/invite"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// ErrNotAdmitted means the account signed in with Google but may not use
// ScopeTrail. The error is a *Refusal that says why.
var ErrNotAdmitted = errors.New("googleauth: account not admitted")

// Reasons an account is refused, in Refusal.Reason and in the
// admission_refused audit entry's error reason.
const (
	// ReasonNotInvited: no user, no admin email, no pending invitation to
	// the account's email, and no sign-up domain of its.
	ReasonNotInvited = "not_invited"
	// ReasonBlocked: an admin revoked the user's access and has not
	// re-admitted them.
	ReasonBlocked = "blocked"
	// ReasonDomainNotAllowed: the account's hosted domain is not one of
	// Config.AllowedDomains; Finish returns ErrDomainNotAllowed for it.
	ReasonDomainNotAllowed = "domain_not_allowed"
)

// Ways in, in the signin audit entry's resource as "admission=WAY".
const (
	admittedUser       = "user"
	admittedAdminEmail = "admin_email"
	admittedInvitation = "invitation"
	admittedSignup     = "signup_domain"
)

// Refusal is the error of a sign-in that admission refused. It wraps
// ErrNotAdmitted.
type Refusal struct {
	// Email is the verified email of the account refused.
	Email string
	// Reason is ReasonNotInvited, ReasonBlocked or ReasonDomainNotAllowed.
	Reason string
	// BlockedBy names who blocked the user, for ReasonBlocked.
	BlockedBy string
}

// Error says who was refused and why.
func (r *Refusal) Error() string {
	return fmt.Sprintf("%v: %s (%s)", ErrNotAdmitted, r.Email, r.Reason)
}

// Unwrap returns ErrNotAdmitted.
func (r *Refusal) Unwrap() error { return ErrNotAdmitted }

// Invitations accepts the invitations of an account as it signs in.
// *invite.Service is one.
type Invitations interface {
	// AcceptInTx accepts, in the sign-in's transaction, the pending and
	// unexpired invitations to the user's email, and returns them.
	AcceptInTx(ctx context.Context, tx *sqldb.Tx, user identity.User) ([]invite.Invitation, error)
	// RecordAccepted audits the acceptances once the sign-in committed.
	RecordAccepted(ctx context.Context, user identity.User, accepted []invite.Invitation) error
}

// admission is the decision on one sign-in, filled in by its check.
type admission struct {
	f *Flow
	// way is how the account got in; refusal why it did not.
	way      string
	refusal  *Refusal
	accepted []invite.Invitation
	// hostedDomain is the ID token's hd claim.
	hostedDomain string
}

// check admits, in this order: a user an admin blocked never, until an
// admin re-admits them, even an admin email; an admin email; an existing
// user; an account with a pending invitation to its email, which it
// accepts; an account of a sign-up domain. Existing users accept their
// pending invitations too.
func (a *admission) check(ctx context.Context, tx *sqldb.Tx, u identity.User, existed bool) error {
	switch {
	case u.Blocked():
		return a.refuse(u.Email, ReasonBlocked, u.BlockedBy)
	case slices.ContainsFunc(a.f.cfg.AdminEmails, func(e string) bool { return strings.EqualFold(strings.TrimSpace(e), u.Email) }):
		a.way = admittedAdminEmail
	case existed:
		a.way = admittedUser
	}
	if a.f.invites != nil {
		var err error
		if a.accepted, err = a.f.invites.AcceptInTx(ctx, tx, u); err != nil {
			return err
		}
		if len(a.accepted) > 0 && a.way == "" {
			a.way = admittedInvitation
		}
	}
	if a.way == "" && a.signupDomain(u.Email) {
		a.way = admittedSignup
	}
	if a.way == "" {
		return a.refuse(u.Email, ReasonNotInvited, "")
	}
	return nil
}

// refuse records the refusal and returns it.
func (a *admission) refuse(email, reason, by string) error {
	a.refusal = &Refusal{Email: email, Reason: reason, BlockedBy: by}
	return a.refusal
}

// signupDomain reports whether email's domain is open for sign-up. Google
// is the authority for an email's domain only when its ID token names that
// domain as the account's hosted domain (hd): a personal Google account
// registered under a company address has none. Other issuers' verified
// emails are taken at their word.
func (a *admission) signupDomain(email string) bool {
	_, domain, ok := strings.Cut(email, "@")
	if !ok || (a.f.incremental() && !strings.EqualFold(a.hostedDomain, domain)) {
		return false
	}
	return slices.ContainsFunc(a.f.cfg.SignupDomains, func(d string) bool { return strings.EqualFold(strings.TrimSpace(d), domain) })
}

// auditRefusal writes the admission_refused entry of a refused account.
func (f *Flow) auditRefusal(ctx context.Context, r *Refusal) error {
	_, err := f.audit.Append(ctx, audit.Entry{
		ActorEmail: r.Email, ClientID: f.cfg.ClientID, Event: audit.EventAdmissionRefused,
		Purpose: string(scopes.PurposeSignIn), Outcome: audit.OutcomeDenied, ErrorReason: r.Reason,
	})
	if err != nil {
		return fmt.Errorf("googleauth: auditing the refusal of %s: %w", r.Email, err)
	}
	return nil
}
