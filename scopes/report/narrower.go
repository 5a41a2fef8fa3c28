package report

import (
	"github.com/scopetrail/scopetrail/scopes"
)

// allowed maps each scope to the ids of the methods it allows, from the
// method table generated from Google's discovery documents.
var allowed = func() map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, m := range scopes.Methods() {
		for _, s := range m.Scopes {
			if out[s] == nil {
				out[s] = map[string]bool{}
			}
			out[s][m.ID] = true
		}
	}
	return out
}()

// redundant reports whether scope is redundant next to other: other allows
// every method scope allows, and more.
func redundant(scope, other string) bool {
	narrow, broad := allowed[scope], allowed[other]
	if len(narrow) == 0 || len(broad) <= len(narrow) {
		return false
	}
	for id := range narrow {
		if !broad[id] {
			return false
		}
	}
	return true
}

// alternative returns the narrower scope the registry names for s, with
// the methods used that it would not allow; nil when the registry names
// none.
func alternative(s scopes.Scope, used []Method, registry []scopes.Scope) *Alternative {
	if s.NarrowerAlternative == "" {
		return nil
	}
	alt := &Alternative{Scope: scopes.Scope{Name: s.NarrowerAlternative, Short: s.NarrowerAlternative}}
	for _, r := range registry {
		if r.Name == s.NarrowerAlternative {
			alt.Scope = r
		}
	}
	for _, m := range used {
		if !allowed[alt.Name][m.ID] {
			alt.Uncovered = append(alt.Uncovered, m.ID)
		}
	}
	return alt
}
