// Package grant records what each user granted ScopeTrail at Google's
// consent screen: the scopes, when and to which OAuth client they were
// granted, whether the grant is still usable, and which scopes an admin has
// suspended locally.
//
// The token response is authoritative: every successful authorization
// replaces the granted set. A suspension is ScopeTrail's own decision and
// outlives re-consent; only Resume lifts it.
package grant

import (
	"errors"
	"slices"
	"time"

	"github.com/scopetrail/scopetrail/scopes"
)

// Status says whether a grant may be used.
type Status string

// Grant statuses.
const (
	// StatusActive grants may be used, scope by scope, unless suspended.
	StatusActive Status = "active"
	// StatusReconnectNeeded grants cannot be used until the user links
	// their Google account again (for example after an OAuth client error).
	StatusReconnectNeeded Status = "reconnect_needed"
	// StatusRevoked grants were revoked, by the user, an admin or Google.
	StatusRevoked Status = "revoked"
)

// Sentinel errors returned by the Store.
var (
	// ErrNotFound means the user has never granted anything.
	ErrNotFound = errors.New("grant: not found")
	// ErrScopeNotGranted means an operation named a scope the user has not
	// granted.
	ErrScopeNotGranted = errors.New("grant: scope not granted")
)

// ScopeGrant is one granted scope.
type ScopeGrant struct {
	Scope string
	// ClientID is the OAuth client the scope was first granted to.
	ClientID string
	// GrantedAt is when the scope first appeared in a token response.
	GrantedAt time.Time
}

// Grant is what one user granted.
type Grant struct {
	UserID string
	// ClientID is the OAuth client of the latest authorization.
	ClientID string
	// Scopes are the granted scopes, canonical and sorted.
	Scopes []string
	// Granted gives, for each of Scopes in the same order, when and to which
	// client it was granted.
	Granted []ScopeGrant
	// Suspended are the scopes suspended locally, sorted. They may include
	// scopes that are no longer granted.
	Suspended []string
	Status    Status
	// Reason says why the grant is not active, such as "invalid_grant".
	Reason string
	// GrantedAt is when the user first granted anything; UpdatedAt is when
	// the grant last changed.
	GrantedAt, UpdatedAt time.Time
}

// Has reports whether scope is granted, suspended or not.
func (g Grant) Has(scope string) bool {
	_, ok := slices.BinarySearch(g.Scopes, scopes.Canonical(scope))
	return ok
}

// IsSuspended reports whether scope is suspended.
func (g Grant) IsSuspended(scope string) bool {
	_, ok := slices.BinarySearch(g.Suspended, scopes.Canonical(scope))
	return ok
}

// Usable reports whether the grant is active and scope is granted and not
// suspended.
func (g Grant) Usable(scope string) bool {
	return g.Status == StatusActive && g.Has(scope) && !g.IsSuspended(scope)
}

// Purposes returns, sorted, the purposes the registry declares for the
// usable scopes of the grant.
func (g Grant) Purposes() []scopes.Purpose {
	var out []scopes.Purpose
	for _, s := range g.Scopes {
		if !g.Usable(s) {
			continue
		}
		if reg, ok := scopes.Lookup(s); ok {
			out = append(out, reg.Purposes...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
