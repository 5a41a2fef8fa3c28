package report

// Summary counts the report's findings, as the top of the report page
// shows them.
type Summary struct {
	// Holders counts the grants of scopes held and not suspended, a user
	// and a scope each.
	Holders int
	// Unused counts the grants not used in 30 days (Scope.Unused);
	// NotYetUsed those granted in the last 30 days and not used yet.
	Unused, NotYetUsed int
	// Redundant counts the grants redundant next to a broader one.
	Redundant int
	// Alternatives counts the scopes held by someone whose narrower
	// alternative allows every method used with them in 30 days.
	Alternatives int
}

// Summary counts the report's findings.
func (r Report) Summary() Summary {
	var s Summary
	for _, sc := range r.Scopes {
		s.Holders += len(sc.Holders)
		s.Unused += len(sc.Unused)
		s.NotYetUsed += len(sc.NotYetUsed)
		s.Redundant += len(sc.Redundant)
		if sc.Serves() {
			s.Alternatives++
		}
	}
	return s
}

// Serves reports whether the scope has holders and a narrower alternative
// that allows every method used with it in the last 30 days.
func (s Scope) Serves() bool {
	return s.Alternative != nil && len(s.Alternative.Uncovered) == 0 && len(s.Holders) > 0
}
