package identity

import (
	"slices"

	"github.com/scopetrail/scopetrail/scopes"
)

// roleFeatures are the features each role may turn on: only admins invite,
// so only they are ever asked for the directory.
var roleFeatures = map[Role][]scopes.Feature{
	RoleAdmin:    scopes.Features,
	RoleMember:   {scopes.FeatureCalendars, scopes.FeatureRecordings},
	RoleReviewer: {scopes.FeatureCalendars, scopes.FeatureRecordings},
}

// Features returns the features r may turn on, in the order of
// scopes.Features; none for an invalid role.
func (r Role) Features() []scopes.Feature { return roleFeatures[r] }

// Uses reports whether r may turn on f.
func (r Role) Uses(f scopes.Feature) bool { return slices.Contains(roleFeatures[r], f) }

// Needs reports whether some feature r may turn on asks for scope.
func (r Role) Needs(scope string) bool {
	for _, f := range roleFeatures[r] {
		if slices.Contains(scopes.FeatureScopes(f), scope) {
			return true
		}
	}
	return false
}
