package googleauth

import "testing"

// TestSignupDomainNeedsHostedDomainAtGoogle checks whose email domain opens
// sign-up: at Google only an account whose ID token names that domain as
// its hosted domain, as a personal account registered under a company
// address has none; at another issuer, any verified email of the domain.
func TestSignupDomainNeedsHostedDomainAtGoogle(t *testing.T) {
	for _, tc := range []struct {
		issuer, hd, email string
		want              bool
	}{
		{GoogleEndpoints().Issuer, "example.com", "ada@example.com", true},
		{GoogleEndpoints().Issuer, "EXAMPLE.com", "ada@example.com", true},
		{GoogleEndpoints().Issuer, "", "ada@example.com", false},
		{GoogleEndpoints().Issuer, "other.example", "ada@example.com", false},
		{GoogleEndpoints().Issuer, "example.com", "ada@other.example", false},
		{"https://login.example.org", "", "ada@example.com", true},
		{"https://login.example.org", "", "ada@other.example", false},
		{"https://login.example.org", "", "no-at-sign", false},
	} {
		f := &Flow{cfg: Config{Endpoints: Endpoints{Issuer: tc.issuer}, SignupDomains: []string{" example.com"}}}
		a := &admission{f: f, hostedDomain: tc.hd}
		if got := a.signupDomain(tc.email); got != tc.want {
			t.Errorf("issuer %s, hd %q: signupDomain(%q) = %v, want %v", tc.issuer, tc.hd, tc.email, got, tc.want)
		}
	}
}
