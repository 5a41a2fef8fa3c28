package identity

import (
	"context"
	"errors"
	"fmt"

	"github.com/scopetrail/scopetrail/scopes/audit"
)

// ErrRoleChanged means a user's role changed while another change of it
// was under way; nothing was changed, and the change may be made again.
var ErrRoleChanged = errors.New("identity: the role changed meanwhile")

// RoleTrail is where role changes are recorded. *audit.Trail is one.
type RoleTrail interface {
	Begin(ctx context.Context, e audit.Entry) (audit.Entry, error)
	Complete(ctx context.Context, begin audit.Entry, r audit.Result) (audit.Entry, error)
}

// AuditedUsers is a Store whose role changes are recorded in an audit
// trail, each naming who made the change and whose role it changed.
type AuditedUsers struct {
	*Store
	trail RoleTrail
}

// Audited returns the store with its role changes recorded in trail.
func (s *Store) Audited(trail RoleTrail) *AuditedUsers { return &AuditedUsers{Store: s, trail: trail} }

// ChangeRole sets the role of the user with this id to r, as by decided.
// Because a role gives access, the change is audited first: a role_change
// entry (audit.EventRoleChange) naming by as actor, the user as subject and
// audit.RoleResource(new, old) as resource is written before the role
// changes, and nothing changes if it cannot be; the entry that completes it
// records the outcome. Setting the role a user already has changes nothing
// and records nothing. It returns ErrInvalidRole, ErrNotFound, or
// ErrRoleChanged when another change of the same role won the race.
func (a *AuditedUsers) ChangeRole(ctx context.Context, id string, r Role, by User) error {
	if !r.Valid() {
		return fmt.Errorf("identity: role %q: %w", r, ErrInvalidRole)
	}
	u, err := a.User(ctx, id)
	if err != nil {
		return fmt.Errorf("identity: changing the role of %s: %w", id, err)
	}
	if u.Role == r {
		return nil
	}
	ctx = context.WithoutCancel(ctx)
	begin, err := a.trail.Begin(ctx, audit.Entry{Event: audit.EventRoleChange, ActorID: by.ID, ActorEmail: by.Email,
		SubjectID: u.ID, SubjectEmail: u.Email, Resource: audit.RoleResource(string(r), string(u.Role))})
	if err != nil {
		return fmt.Errorf("identity: auditing the role change of %s, so nothing changed: %w", id, err)
	}
	res, cerr := a.db.Exec(ctx, "UPDATE users SET role = ? WHERE id = ? AND role = ?", string(r), id, string(u.Role))
	var n int64
	if cerr == nil {
		n, cerr = res.RowsAffected()
	}
	result := audit.Result{Outcome: audit.OutcomeOK}
	switch {
	case cerr != nil:
		result = audit.Result{Outcome: audit.OutcomeError, ErrorReason: "update_failed"}
		cerr = fmt.Errorf("identity: changing the role of %s: %w", id, cerr)
	case n == 0:
		result = audit.Result{Outcome: audit.OutcomeError, ErrorReason: "role_changed_meanwhile"}
		cerr = fmt.Errorf("identity: changing the role of %s from %s: %w", id, u.Role, ErrRoleChanged)
	}
	if _, err := a.trail.Complete(ctx, begin, result); err != nil {
		cerr = errors.Join(cerr, fmt.Errorf("identity: auditing the outcome of the role change of %s: %w", id, err))
	}
	return cerr
}
