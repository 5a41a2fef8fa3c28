package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

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

// stopClean stops the app and fails on any error it logged.
func (a *admissionApp) stopClean(t *testing.T) {
	t.Helper()
	if err := a.stop(); err != nil {
		t.Errorf("realMain: %v", err)
	}
	if strings.Contains(a.stderr.String(), `"level":"ERROR"`) {
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
