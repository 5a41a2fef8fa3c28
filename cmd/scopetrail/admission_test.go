package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
)

// admissionApp is the demo with its own domain closed to sign-up, and its
// first account in ADMIN_EMAILS, so that the other demo accounts get in
// only as the admission rules say.
type admissionApp struct {
	*app
	// admin is the account in ADMIN_EMAILS; people are the others.
	admin  string
	people []string
}

// startAdmissionApp boots the demo with the variables of env over the
// admission test's.
func startAdmissionApp(t *testing.T, env map[string]string) *admissionApp {
	t.Helper()
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
	if len(accounts) < 4 {
		t.Fatalf("the demo workspace has %d accounts, the test needs 4", len(accounts))
	}
	vars := map[string]string{"ADMIN_EMAILS": accounts[0], "SIGNUP_DOMAINS": "closed.invalid"}
	for k, v := range env {
		vars[k] = v
	}
	return &admissionApp{app: startAppWith(t, "", vars), admin: accounts[0], people: accounts[1:]}
}

// signIn signs b in as account, consenting to what Google asks, and returns
// the page it lands on.
func (a *admissionApp) signIn(b *browser.Browser, account string) *browser.Page {
	return b.Consent(b.Submit(b.Get(a.base+"/"), `form[action="/auth/signin"]`, nil), browser.Answer{Account: account})
}

// auditRecord is the part of an exported audit entry the tests read.
type auditRecord struct {
	ActorEmail  string `json:"actor_email"`
	Event       string `json:"event"`
	Resource    string `json:"resource"`
	ErrorReason string `json:"error_reason"`
	Outcome     string `json:"outcome"`
}

// auditOf exports the entries of one event with the command line, as a
// reviewer would.
func auditOf(t *testing.T, event string) []auditRecord {
	t.Helper()
	out, err := cli(t, "audit", "export", "--format", "jsonl", "--event", event)
	if err != nil {
		t.Fatalf("audit export --event %s: %v\n%s", event, err, out)
	}
	var recs []auditRecord
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var r auditRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("audit export line %q: %v", line, err)
		}
		recs = append(recs, r)
	}
	return recs
}

// refusalsOf returns the admission refusals audited for email, by reason.
func refusalsOf(t *testing.T, email string) []string {
	t.Helper()
	var reasons []string
	for _, r := range auditOf(t, "admission_refused") {
		if r.ActorEmail == email {
			reasons = append(reasons, r.ErrorReason)
		}
	}
	return reasons
}

// assertRefused checks that p is the refusal page, 403, naming the
// reason's words and whom to ask.
func (a *admissionApp) assertRefused(t *testing.T, p *browser.Page, words string) {
	t.Helper()
	if p.StatusCode != http.StatusForbidden || p.Find(`section[id="not-admitted"]`) == nil {
		t.Fatalf("sign-in answered %d at %s, want the 403 refusal page:\n%s", p.StatusCode, p.Request.URL, p.Content)
	}
	if got := p.TextOf(t, `p[id="why"]`); !strings.Contains(got, words) {
		t.Errorf("the refusal says %q, want %q", got, words)
	}
	if got := p.TextOf(t, `p[id="ask"]`); !strings.Contains(got, a.admin) {
		t.Errorf("the refusal says to ask %q, want %s named", got, a.admin)
	}
}

// stopClean stops the app and fails on any error it logged, but River's
// shutdown noise.
func (a *admissionApp) stopClean(t *testing.T) {
	t.Helper()
	if err := a.stop(); err != nil {
		t.Errorf("realMain: %v", err)
	}
	if len(errorsLogged(a.stderr.String())) > 0 {
		t.Errorf("errors logged:\n%s", a.stderr)
	}
}

// TestAdmissionUninvitedRefused: an account that is no user, holds no
// invitation, is not an admin email and is outside every sign-up domain is
// refused with a page that says why and whom to ask, and the refusal is
// audited; nobody is created.
func TestAdmissionUninvitedRefused(t *testing.T) {
	a := startAdmissionApp(t, nil)
	stranger := a.people[0]
	p := a.signIn(browser.New(t), stranger)
	a.assertRefused(t, p, "not been invited")
	if got := refusalsOf(t, stranger); len(got) != 1 || got[0] != "not_invited" {
		t.Errorf("refusals audited for %s: %q, want one not_invited", stranger, got)
	}
	admin := browser.New(t)
	a.signIn(admin, a.admin)
	if users := admin.Get(a.base + "/admin/users"); strings.Contains(users.Content, stranger) {
		t.Errorf("the refused account is a user:\n%s", users.Content)
	}
	a.stopClean(t)
}

// invite has the admin b invite email, as the directory page's form does,
// and returns the invitation's link.
func (a *admissionApp) invite(t *testing.T, b *browser.Browser, email string) string {
	t.Helper()
	dash := b.Get(a.base + "/dashboard")
	token := browser.Attr(dash.Find(`input[name="csrf_token"]`), "value")
	p := b.Post(a.base+"/admin/invitations", url.Values{"csrf_token": {token}, "email": {email}})
	links := p.FindAll(`#issued code.link`)
	if p.StatusCode != http.StatusOK || len(links) != 1 {
		t.Fatalf("inviting %s: %d, %d links:\n%s", email, p.StatusCode, len(links), p.Content)
	}
	return browser.Text(links[0])
}

// invitationStatus returns the status the admin's invitations page shows
// for email's invitation.
func (a *admissionApp) invitationStatus(t *testing.T, b *browser.Browser, email string) string {
	t.Helper()
	p := b.Get(a.base + "/admin/invitations")
	for _, row := range p.FindAll(`tr`) {
		if strings.Contains(browser.Text(row), email) {
			if st := browser.FindIn(row, `td.status`); st != nil {
				return strings.TrimSpace(browser.Text(st))
			}
		}
	}
	t.Fatalf("no invitation of %s on the invitations page:\n%s", email, p.Content)
	return ""
}

// signIns counts the signin entries of email with the given admission.
func signIns(t *testing.T, email, admission string) int {
	t.Helper()
	n := 0
	for _, r := range auditOf(t, "signin") {
		if r.ActorEmail == email && r.Resource == "admission="+admission {
			n++
		}
	}
	return n
}

// TestAdmissionInvitedOnce: an invitee gets in through the invitation,
// which is accepted at that sign-in and only then; at the next sign-in they
// are a user. Somebody else who opens that link is refused, with words that
// say the link was not theirs, and the invitation stays pending for them.
func TestAdmissionInvitedOnce(t *testing.T) {
	a := startAdmissionApp(t, nil)
	admin := browser.New(t)
	a.signIn(admin, a.admin)
	invitee, other := a.people[0], a.people[1]
	link := a.invite(t, admin, invitee)

	// Someone else's link admits nobody else.
	intruder := browser.New(t)
	intruder.Get(link)
	a.assertRefused(t, intruder.Consent(intruder.Submit(intruder.Get(link), `form[action="/auth/signin"]`, nil),
		browser.Answer{Account: other}), "addressed to another email address")
	if got := refusalsOf(t, other); len(got) != 1 || got[0] != "not_invited" {
		t.Errorf("refusals audited for %s: %q, want one not_invited", other, got)
	}
	if got := a.invitationStatus(t, admin, invitee); got != "sent" {
		t.Errorf("after another account used the link the invitation is %q, want sent", got)
	}

	guest := browser.New(t)
	landed := guest.Consent(guest.Submit(guest.Get(link), `form[action="/auth/signin"]`, nil), browser.Answer{Account: invitee})
	if landed.Request.URL.Path != "/dashboard" {
		t.Fatalf("the invitee landed on %s:\n%s", landed.Request.URL, landed.Content)
	}
	if got := a.invitationStatus(t, admin, invitee); got != "accepted" {
		t.Errorf("the invitation is %q, want accepted", got)
	}
	guest.Submit(landed, `form[action="/auth/signout"]`, nil)
	if again := a.signIn(guest, invitee); again.Request.URL.Path != "/dashboard" {
		t.Fatalf("the invitee's second sign-in landed on %s:\n%s", again.Request.URL, again.Content)
	}
	var accepts int
	for _, r := range auditOf(t, "invite_accept") {
		if r.ActorEmail == invitee {
			accepts++
		}
	}
	if accepts != 1 || signIns(t, invitee, "invitation") != 1 || signIns(t, invitee, "user") != 1 {
		t.Errorf("audit: %d acceptances, %d sign-ins by invitation, %d as a user; want 1 each", accepts,
			signIns(t, invitee, "invitation"), signIns(t, invitee, "user"))
	}
	a.stopClean(t)
}

// TestAdmissionRevokedByAdmin: a user whose access an admin revoked is
// refused, audited, until an admin re-admits them, which is audited too;
// then they sign in again.
func TestAdmissionRevokedByAdmin(t *testing.T) {
	a := startAdmissionApp(t, nil)
	admin := browser.New(t)
	a.signIn(admin, a.admin)
	member := a.people[0]
	a.invite(t, admin, member)
	mb := browser.New(t)
	if p := a.signIn(mb, member); p.Request.URL.Path != "/dashboard" {
		t.Fatalf("the invited member landed on %s", p.Request.URL)
	}
	users := admin.Get(a.base + "/admin/users")
	row := users.Find(`tr:has(td:contains("` + member + `"))`)
	if row == nil {
		t.Fatalf("no row for %s:\n%s", member, users.Content)
	}
	id := strings.TrimPrefix(browser.Attr(row, "id"), "user-")
	done := admin.Submit(admin.Get(a.base+"/admin/users/"+id+"/revoke"), `form[action="/admin/users/`+id+`/revoke"]`, nil)
	if done.StatusCode != http.StatusOK {
		t.Fatalf("revoking: %d:\n%s", done.StatusCode, done.Content)
	}

	a.assertRefused(t, a.signIn(browser.New(t), member), "An administrator revoked the access")
	if got := refusalsOf(t, member); len(got) != 1 || got[0] != "blocked" {
		t.Errorf("refusals audited for %s: %q, want one blocked", member, got)
	}

	users = admin.Get(a.base + "/admin/users")
	back := admin.Submit(users, `form[action="/admin/users/`+id+`/readmit"]`, nil)
	if back.StatusCode != http.StatusOK || back.Find(`form[action="/admin/users/`+id+`/readmit"]`) != nil {
		t.Fatalf("re-admitting: %d, the form is still there:\n%s", back.StatusCode, back.Content)
	}
	if got, want := back.TextOf(t, ".flash"), member+" may sign in again."; got != want {
		t.Errorf("after re-admitting, the page says %q, want %q", got, want)
	}
	if got := auditOf(t, "readmit"); len(got) != 1 || got[0].ActorEmail != a.admin || got[0].Outcome != "ok" {
		t.Errorf("readmit entries: %+v, want one by %s", got, a.admin)
	}
	if p := a.signIn(browser.New(t), member); p.Request.URL.Path != "/dashboard" {
		t.Fatalf("the re-admitted member landed on %s:\n%s", p.Request.URL, p.Content)
	}
	if n := signIns(t, member, "user"); n != 1 {
		t.Errorf("%d sign-ins as a user after re-admission, want 1", n)
	}
	a.stopClean(t)
}

// TestAdmissionSelfRevokedComesBack: a user who revoked their own access
// is not blocked: they come back through a fresh consent.
func TestAdmissionSelfRevokedComesBack(t *testing.T) {
	a := startAdmissionApp(t, nil)
	admin := browser.New(t)
	a.signIn(admin, a.admin)
	member := a.people[0]
	a.invite(t, admin, member)
	mb := browser.New(t)
	dash := mb.Consent(mb.Submit(a.signIn(mb, member), `form[action="/link/calendars"]`, nil), browser.Answer{})
	done := mb.Submit(mb.Get(a.base+"/revoke"), `form[action="/revoke"]`, nil)
	if done.StatusCode != http.StatusOK || dash.StatusCode != http.StatusOK {
		t.Fatalf("revoking their own access: %d:\n%s", done.StatusCode, done.Content)
	}
	consent := mb.ReadConsent(mb.Submit(mb.Get(a.base+"/"), `form[action="/auth/signin"]`, nil))
	if back := consent.Answer(browser.Answer{Account: member}); back.Request.URL.Path != "/dashboard" {
		t.Fatalf("after revoking their own access the member landed on %s:\n%s", back.Request.URL, back.Content)
	}
	if got := refusalsOf(t, member); len(got) != 0 {
		t.Errorf("refusals audited for %s: %q, want none", member, got)
	}
	if n := signIns(t, member, "user"); n != 1 {
		t.Errorf("%d sign-ins as a user after revoking, want 1", n)
	}
	a.stopClean(t)
}

// TestAdmissionSignupDomain: with the demo's own domain open (the demo's
// default), any of its accounts signs up without an invitation, audited as
// a sign-up; accounts of other domains are not in the workspace to try.
func TestAdmissionSignupDomain(t *testing.T) {
	a := startAdmissionApp(t, map[string]string{"SIGNUP_DOMAINS": ""})
	newcomer := a.people[2]
	if p := a.signIn(browser.New(t), newcomer); p.Request.URL.Path != "/dashboard" {
		t.Fatalf("the newcomer landed on %s:\n%s", p.Request.URL, p.Content)
	}
	if n := signIns(t, newcomer, "signup_domain"); n != 1 {
		t.Errorf("%d sign-ups of %s audited, want 1", n, newcomer)
	}
	a.stopClean(t)
}

// TestSignupDomainsConfig: SIGNUP_DOMAINS is a comma list of domains,
// trimmed, and anything else is a problem that says how to write it.
func TestSignupDomainsConfig(t *testing.T) {
	t.Parallel()
	vars := goodSecrets()
	vars["SIGNUP_DOMAINS"] = " example.com, ,acme.test,ana@example.com"
	vars["ADMIN_CONTACT"] = "it-help@example.com"
	ce := configProblems(t, vars)
	want := []string{`SIGNUP_DOMAINS: "ana@example.com" is not a domain name; write domains like example.com, separated by commas`}
	if diff := cmp.Diff(want, ce.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	vars["SIGNUP_DOMAINS"] = " example.com, ,acme.test"
	cfg, err := parseConfig(vars)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cfg.validate(); err != nil {
		t.Fatalf("validate: %v", err)
	}
	oauth, _ := googleSettings(cfg, "http://127.0.0.1:8080/auth/callback")
	if diff := cmp.Diff([]string{"example.com", "acme.test"}, oauth.SignupDomains); diff != "" {
		t.Errorf("SignupDomains (-want +got):\n%s", diff)
	}
	if cfg.Auth.AdminContact != "it-help@example.com" {
		t.Errorf("AdminContact = %q", cfg.Auth.AdminContact)
	}
}

// userID returns the id of email's row on the admin's users page.
func (a *admissionApp) userID(t *testing.T, admin *browser.Browser, email string) string {
	t.Helper()
	users := admin.Get(a.base + "/admin/users")
	row := users.Find(`tr:has(td:contains("` + email + `"))`)
	if row == nil {
		t.Fatalf("no row for %s:\n%s", email, users.Content)
	}
	return strings.TrimPrefix(browser.Attr(row, "id"), "user-")
}

// TestRoleLeastPrivilege: a member is never offered the directory and is
// refused before Google is asked; an admin made a member is offered to
// drop directory.readonly, and dropping it is audited as a suspension by
// themselves.
func TestRoleLeastPrivilege(t *testing.T) {
	a := startAdmissionApp(t, map[string]string{"SIGNUP_DOMAINS": ""})
	boss := browser.New(t)
	a.signIn(boss, a.admin)
	email := a.people[0]
	b := browser.New(t)
	dash := a.signIn(b, email)
	if dash.Find(`#feature-invite`) != nil || dash.Find(`#feature-calendars`) == nil {
		t.Fatalf("the member's dashboard offers the directory, or lacks calendars:\n%s", dash.Content)
	}
	token := browser.Attr(dash.Find(`input[name="csrf_token"]`), "value")
	if p := b.Post(a.base+"/link/invite", url.Values{"csrf_token": {token}}); p.StatusCode != http.StatusForbidden ||
		p.Request.URL.Host != strings.TrimPrefix(a.base, "http://") {
		t.Fatalf("a member linking the directory: %d at %s, want 403 from ScopeTrail", p.StatusCode, p.Request.URL)
	}

	// Made an admin, they grant the directory; made a member again, they
	// are offered to drop it.
	id := a.userID(t, boss, email)
	setRole := func(role string) {
		users := boss.Get(a.base + "/admin/users")
		if p := boss.Submit(users, `form[action="/admin/users/`+id+`/role"]`, url.Values{"role": {role}}); p.StatusCode != http.StatusOK {
			t.Fatalf("setting role %s: %d", role, p.StatusCode)
		}
	}
	setRole("admin")
	dash = b.Consent(b.Submit(b.Get(a.base+"/dashboard"), `form[action="/link/invite"]`, nil), browser.Answer{})
	if dash.Find(`#unneeded`) != nil {
		t.Errorf("an admin is offered to drop what they use:\n%s", dash.Content)
	}
	setRole("member")
	dash = b.Get(a.base + "/dashboard")
	offer := dash.Find(`#unneeded li[data-scope="directory.readonly"]`)
	if offer == nil || dash.Find(`#feature-invite`) != nil {
		t.Fatalf("the demoted admin is not offered to drop directory.readonly:\n%s", dash.Content)
	}
	dash = b.Submit(dash, `#unneeded form`, nil)
	if dash.Request.URL.Path != "/dashboard" || dash.Find(`#unneeded`) != nil {
		t.Errorf("after dropping: %s, still offered:\n%s", dash.Request.URL, dash.Content)
	}
	var drops int
	for _, r := range auditOf(t, "suspend") {
		if r.ActorEmail == email && r.Resource != "" {
			drops++
		}
	}
	if drops != 1 {
		t.Errorf("%d suspensions by %s audited, want 1", drops, email)
	}
	a.stopClean(t)
}
