package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
)

// TestDemoPersonas boots the demo: its banner and its sign-in page name an
// admin, a member and a security reviewer among the demo accounts; each
// account's button opens the consent page with that account preselected,
// and signs in with that role, whatever the order of sign-ins.
func TestDemoPersonas(t *testing.T) {
	ws, err := demoWorkspace(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var accounts []string
	for _, p := range ws.People() {
		if !p.Deleted {
			accounts = append(accounts, p.Email)
		}
	}
	a := startApp(t, "")
	want := map[string]string{accounts[0]: "admin", accounts[1]: "member", accounts[2]: "reviewer"}
	home := browser.New(t).Get(a.base + "/")
	if got := len(home.FindAll("#demo-accounts li")); got != 3 {
		t.Fatalf("the sign-in page lists %d demo accounts, want 3:\n%s", got, home.Content)
	}
	// The reviewer signs in first: the first sign-in does not make them admin.
	for _, email := range []string{accounts[2], accounts[1], accounts[0]} {
		b := browser.New(t)
		entry := `#demo-accounts li[data-email="` + email + `"]`
		page := b.Get(a.base + "/")
		if role := page.TextOf(t, entry+" .role"); role != want[email] {
			t.Errorf("the sign-in page gives %s the role %q, want %q", email, role, want[email])
		}
		consent := b.ReadConsent(b.Submit(page, entry+" form", nil))
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
	for _, email := range accounts[:3] {
		if line := fmt.Sprintf("  %s (%s)\n", email, want[email]); !strings.Contains(a.stdout.String(), line) {
			t.Errorf("the banner does not name %s as %s:\n%s", email, want[email], a.stdout)
		}
	}
}
