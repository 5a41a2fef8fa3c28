package googlehttp

import (
	"testing"

	"github.com/scopetrail/scopetrail/scopes"
)

// TestBasesCoverEveryAPI checks that Bases has a base URL for every API
// the method table names, Google's own when left empty, so that no request
// to an API goes unmatched for want of its base.
func TestBasesCoverEveryAPI(t *testing.T) {
	t.Parallel()
	got := Bases{People: "http://fake/people/"}.byAPI()
	for _, api := range scopes.APIs() {
		want := scopes.DefaultBaseURL(api)
		if api == "people" {
			want = "http://fake/people/"
		}
		if got[api] != want {
			t.Errorf("base of %s = %q, want %q", api, got[api], want)
		}
	}
	if len(got) != len(scopes.APIs()) {
		t.Errorf("Bases names %d APIs, the method table %d", len(got), len(scopes.APIs()))
	}
}
