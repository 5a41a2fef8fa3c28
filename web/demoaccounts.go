package web

import (
	"net/mail"
	"strings"

	"github.com/scopetrail/scopetrail/scopes/identity"
)

// DemoAccount is an account of the demo's fake Google that the sign-in
// page offers, with the role it has in the demo.
type DemoAccount struct {
	Email, Name string
	Role        identity.Role
}

// roleDoes says what each kind of user does in ScopeTrail.
var roleDoes = map[identity.Role]string{
	identity.RoleAdmin:    "invites colleagues from the Google directory, manages users and revokes anyone's access",
	identity.RoleMember:   "links calendars and Drive, sees meetings, recordings and transcripts, revokes their own access",
	identity.RoleReviewer: "reads the scope-usage log, checks that nobody tampered with it, exports it and reads the least-privilege report",
}

// demoPersona is a demo account as the sign-in page lists it.
type demoPersona struct {
	DemoAccount
	// Does says what the account's role is for.
	Does string
}

// homePage is what the sign-in page shows.
type homePage struct {
	Demo []demoPersona
}

// newHomePage lists the demo accounts, if any.
func newHomePage(accounts []DemoAccount) homePage {
	var p homePage
	for _, a := range accounts {
		p.Demo = append(p.Demo, demoPersona{DemoAccount: a, Does: roleDoes[a.Role]})
	}
	return p
}

// maxHintLen bounds a login hint: the longest email address SMTP allows.
const maxHintLen = 254

// loginHint returns the sign-in form's login_hint when it is a bare email
// address, and "" otherwise: Google would ignore anything else.
func loginHint(raw string) string {
	hint := strings.TrimSpace(raw)
	if hint == "" || len(hint) > maxHintLen {
		return ""
	}
	addr, err := mail.ParseAddress(hint)
	if err != nil || addr.Name != "" || addr.Address != hint {
		return ""
	}
	return hint
}
