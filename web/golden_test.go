package web

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// csrfValue matches the random CSRF token in forms.
var csrfValue = regexp.MustCompile(`name="csrf_token" value="[A-Za-z0-9_-]+"`)

// TestGolden compares whole pages with testdata/*.golden.html. Run
// `go test ./web -run TestGolden -update` after a deliberate change.
func TestGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		page func(h *harness) *browser.Page
	}{
		{"home", func(h *harness) *browser.Page { return h.get("/") }},
		{"dashboard", func(h *harness) *browser.Page {
			h.grants.put(grant.Grant{UserID: bob.ID, Status: grant.StatusActive,
				Scopes: []string{scopes.OpenID, scopes.Email, scopes.Profile, scopes.CalendarEventsReadonly}})
			h.signIn(bob)
			return h.get("/dashboard")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			r := tt.page(h)
			got := csrfValue.ReplaceAllString(r.Content, `name="csrf_token" value="CSRF"`)
			path := filepath.Join("testdata", tt.name+".golden.html")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s differs from %s (-want +got):\n%s", tt.name, path, diff)
			}
		})
	}
}
