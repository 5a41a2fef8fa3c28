// Package policy decides, before any network traffic, whether a Google
// request may be sent and with which scope: the narrowest granted scope that
// allows the method and was granted for the request's purpose.
package policy

import (
	"cmp"
	"slices"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
)

// Reason says why a request was refused.
type Reason string

// Refusal reasons, in the order Decide checks them.
const (
	// ReasonUnknownMethod: the request matches no method in the table.
	ReasonUnknownMethod Reason = "unknown_method"
	// ReasonNoGrant: the user has granted nothing.
	ReasonNoGrant Reason = "no_grant"
	// ReasonRevoked: the grant was revoked.
	ReasonRevoked Reason = "revoked"
	// ReasonReconnectNeeded: the user must link their account again.
	ReasonReconnectNeeded Reason = "reconnect_needed"
	// ReasonScopeNotGranted: no granted scope allows the method.
	ReasonScopeNotGranted Reason = "scope_not_granted"
	// ReasonPurposeNotDeclared: granted scopes allow the method, but none
	// was granted for the request's purpose.
	ReasonPurposeNotDeclared Reason = "purpose_not_declared"
	// ReasonSuspended: every scope that would serve the request is
	// suspended.
	ReasonSuspended Reason = "suspended"
)

// Decision is the outcome of Decide.
type Decision struct {
	// Scope is the scope the request uses when allowed. When refused, it is
	// the scope the refusal concerns: the narrowest suspended one, the
	// narrowest granted one lacking the purpose, or, when no granted scope
	// allows the method, the narrowest scope ScopeTrail requests that would;
	// "" when none applies.
	Scope   string
	Allowed bool
	// Reason is empty when allowed.
	Reason Reason
}

// Decide decides whether a request for method m, on behalf of a user whose
// grant is g (nil when the user has granted nothing), may be sent for
// purpose. A zero Method means the request matched no known method.
func Decide(m scopes.Method, g *grant.Grant, purpose scopes.Purpose) Decision {
	switch {
	case m.ID == "":
		return refuse(ReasonUnknownMethod, "")
	case g == nil:
		return refuse(ReasonNoGrant, "")
	case g.Status == grant.StatusRevoked:
		return refuse(ReasonRevoked, "")
	case g.Status != grant.StatusActive:
		return refuse(ReasonReconnectNeeded, "")
	}
	allowing := narrowestFirst(g.Scopes, m.Allows)
	if len(allowing) == 0 {
		return refuse(ReasonScopeNotGranted, wanted(m, purpose))
	}
	forPurpose := narrowestFirst(allowing, func(s string) bool { return declares(s, purpose) })
	if len(forPurpose) == 0 {
		return refuse(ReasonPurposeNotDeclared, allowing[0])
	}
	usable := narrowestFirst(forPurpose, func(s string) bool { return !g.IsSuspended(s) })
	if len(usable) == 0 {
		return refuse(ReasonSuspended, forPurpose[0])
	}
	return Decision{Scope: usable[0], Allowed: true}
}

func refuse(r Reason, scope string) Decision {
	return Decision{Scope: scope, Reason: r}
}

// wanted returns the narrowest scope ScopeTrail requests that would allow m
// for purpose, or "" if there is none.
func wanted(m scopes.Method, purpose scopes.Purpose) string {
	var names []string
	for _, s := range scopes.All() {
		if s.Requested {
			names = append(names, s.Name)
		}
	}
	ok := narrowestFirst(names, func(s string) bool { return m.Allows(s) && declares(s, purpose) })
	if len(ok) == 0 {
		return ""
	}
	return ok[0]
}

// declares reports whether the registry declares purpose for scope.
func declares(scope string, purpose scopes.Purpose) bool {
	s, ok := scopes.Lookup(scope)
	return ok && purpose != "" && slices.Contains(s.Purposes, purpose)
}

// narrowestFirst returns the scopes that keep reports true for, ordered by
// the registry's Breadth (scopes unknown to the registry last), then by name.
func narrowestFirst(in []string, keep func(string) bool) []string {
	var out []string
	for _, s := range in {
		if keep(s) {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b string) int {
		return cmp.Or(cmp.Compare(breadth(a), breadth(b)), cmp.Compare(a, b))
	})
	return out
}

// breadth is the registry's Breadth of a scope; unknown scopes count as the
// broadest.
func breadth(scope string) int {
	if s, ok := scopes.Lookup(scope); ok {
		return s.Breadth
	}
	return int(^uint(0) >> 1)
}
