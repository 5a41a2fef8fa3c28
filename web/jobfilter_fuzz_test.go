package web

import (
	"net/url"
	"slices"
	"testing"
)

// FuzzJobFilter: whatever the Jobs page's query, the filter is a kind of
// the expected shape, or none, and one of the states, or none; and it
// survives its own query.
func FuzzJobFilter(f *testing.F) {
	for _, q := range []string{"", "kind=calendar_sync&state=discarded", "kind=%3Cb%3E&state=x", "state=running&state=completed", "kind=" + string(make([]byte, 70))} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		got := parseJobFilter(q)
		if got.Kind != "" && !jobKindPattern.MatchString(got.Kind) {
			t.Errorf("kind %q from %q", got.Kind, raw)
		}
		if got.State != "" && !slices.ContainsFunc(jobStates, func(s struct{ Value, Label string }) bool { return s.Value == got.State }) {
			t.Errorf("state %q from %q", got.State, raw)
		}
		back, err := url.ParseQuery(got.query())
		if err != nil || parseJobFilter(back) != got {
			t.Errorf("the filter %+v does not survive its query %q", got, got.query())
		}
	})
}
