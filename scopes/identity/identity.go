// Package identity holds ScopeTrail's users, their roles and their
// server-side browser sessions.
//
// Users are created or updated when they sign in with Google and the
// caller's admission lets them in (SignInAdmitted); an admin can block a
// user from signing in until they are re-admitted. A session is
// identified by a random 256-bit id that only the browser holds: the
// database keeps a SHA-256 hash of it, so reading the sessions table does
// not reveal an id that could be replayed. Ending a session on the server
// takes effect on the next request, which is what revocation relies on.
package identity

import (
	"errors"
	"slices"
)

// Role is what a user may do in ScopeTrail.
type Role string

// Roles, as described in DESIGN.md.
const (
	// RoleAdmin invites colleagues, manages users and revokes anyone's access.
	RoleAdmin Role = "admin"
	// RoleMember links their own Google data and revokes their own access.
	RoleMember Role = "member"
	// RoleReviewer reads, verifies and exports the scope-usage log.
	RoleReviewer Role = "reviewer"
)

// Roles lists every role, in the order a role picker shows them.
var Roles = []Role{RoleAdmin, RoleMember, RoleReviewer}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Errors returned by Store.
var (
	// ErrNotFound means the user or session does not exist, or the session
	// has ended or expired.
	ErrNotFound = errors.New("identity: not found")
	// ErrInvalidRole means a role is not one of Roles.
	ErrInvalidRole = errors.New("identity: invalid role")
	// ErrSubjectMismatch means a sign-in presented an email that already
	// belongs to a user bound to a different Google account.
	ErrSubjectMismatch = errors.New("identity: email belongs to a different Google account")
)
