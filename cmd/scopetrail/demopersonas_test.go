package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
)

// TestDemoPersonas boots the demo: its sign-in page and its banner name an
// admin, a member and a security reviewer among the demo accounts; each
// account's button opens the consent page with that account preselected,
// and signs in with that role, whatever the order of sign-ins.
func TestDemoPersonas(t *testing.T) {
	a := startApp(t, "")
	home := browser.New(t).Get(a.base + "/")
	want := map[string]string{}
	var accounts []string
	for _, li := range home.FindAll("#demo-accounts li") {
		email := browser.Attr(li, "data-email")
		accounts = append(accounts, email)
		want[email] = browser.Text(browser.FindIn(li, ".role"))
	}
	var roles []string
	for _, email := range accounts {
		roles = append(roles, want[email])
	}
	if diff := cmp.Diff([]string{"admin", "member", "reviewer"}, roles); diff != "" {
		t.Fatalf("the sign-in page lists the roles of %v (-want +got):\n%s", accounts, diff)
	}
	// The reviewer signs in first: the first sign-in does not make them admin.
	for _, email := range []string{accounts[2], accounts[1], accounts[0]} {
		b := browser.New(t)
		entry := `#demo-accounts li[data-email="` + email + `"]`
		consent := b.ReadConsent(b.Submit(b.Get(a.base+"/"), entry+" form", nil))
		if consent.Selected != email {
			t.Errorf("%s's button opens the consent page with %q preselected", email, consent.Selected)
		}
		dash := consent.Answer(browser.Answer{})
		if dash.StatusCode != http.StatusOK || dash.Request.URL.Path != "/dashboard" {
			t.Fatalf("signing in %s: %d %s:\n%s", email, dash.StatusCode, dash.Request.URL, dash.Content)
		}
		if who, wantWho := dash.TextOf(t, "nav .who"), email+" · "+want[email]; who != wantWho {
			t.Errorf("signed in as %q, want %q", who, wantWho)
		}
		if want[email] == "reviewer" {
			if p := b.Get(a.base + "/audit"); p.StatusCode != http.StatusOK {
				t.Errorf("the reviewer's audit log: status %d", p.StatusCode)
			}
		}
	}
	for _, email := range accounts {
		if line := fmt.Sprintf("\n  %s (%s)\n", email, want[email]); !strings.Contains(a.stdout.String(), line) {
			t.Errorf("the banner does not name %s as %s:\n%s", email, want[email], a.stdout)
		}
	}
}
