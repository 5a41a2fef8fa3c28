package main

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/joho/godotenv"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/connector/invite"
)

// TestMailConfig reads the SMTP variables, from .env.example and as an
// operator would set them, and checks which ones make a mailer.
func TestMailConfig(t *testing.T) {
	t.Parallel()
	example, err := godotenv.Read("../../.env.example")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		vars     map[string]string
		want     invite.Config
		mailer   bool
		problems []string // the variables named
	}{
		{"env.example", example, invite.Config{TLS: "starttls"}, false, nil},
		{"unset", map[string]string{}, invite.Config{TLS: "starttls"}, false, nil},
		{"relay", map[string]string{"SMTP_HOST": "smtp.example.com", "SMTP_PORT": "2525", "SMTP_USERNAME": "st",
			"SMTP_PASSWORD": "pw", "SMTP_FROM": "ScopeTrail <st@example.com>", "SMTP_TLS": "tls"},
			invite.Config{Host: "smtp.example.com", Port: 2525, Username: "st", Password: "pw", From: "ScopeTrail <st@example.com>", TLS: "tls"}, true, nil},
		{"no host", map[string]string{"SMTP_FROM": "st@example.com"}, invite.Config{From: "st@example.com", TLS: "starttls"}, false,
			[]string{"SMTP_HOST"}},
		{"bad", map[string]string{"SMTP_HOST": "smtp.example.com", "SMTP_TLS": "ssl", "SMTP_PASSWORD": "pw"},
			invite.Config{Host: "smtp.example.com", Password: "pw", TLS: "ssl"}, false, []string{"SMTP_TLS", "SMTP_FROM", "SMTP_PASSWORD"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := parseConfig(tt.vars)
			if err != nil {
				t.Fatalf("parseConfig: %v", err)
			}
			if diff := cmp.Diff(tt.want, cfg.Mail); diff != "" {
				t.Errorf("Mail (-want +got):\n%s", diff)
			}
			problems := cfg.Mail.Problems()
			var m invite.Mailer
			if len(problems) == 0 {
				if m, err = cfg.Mail.Mailer(); err != nil {
					t.Errorf("Mailer: %v", err)
				}
			}
			if (m != nil) != tt.mailer {
				t.Errorf("mailer = %v, want one: %v", m, tt.mailer)
			}
			var named []string
			for _, p := range problems {
				name, _, _ := strings.Cut(p, ":")
				named = append(named, name)
			}
			if diff := cmp.Diff(tt.problems, named); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if strings.Contains(strings.Join(problems, "\n"), "pw") {
				t.Errorf("the problems show the password: %v", problems)
			}
		})
	}
}

// TestInvitationEndToEnd boots the demo: the first user signs in and
// becomes an admin, lets ScopeTrail read the directory, searches it, syncs
// a copy through the job runner, and invites a colleague, whose link is
// shown to copy as no mail server is configured. The colleague opens the
// link in their own browser and signs in, which accepts the invitation.
func TestInvitationEndToEnd(t *testing.T) {
	a := startApp(t, "")
	admin := browser.New(t)
	home := admin.Get(a.base + "/")
	dash := admin.Consent(admin.Submit(home, `form[action="/auth/signin"]`, nil), browser.Answer{})
	admin.Consent(admin.Submit(dash, `form[action="/link/invite"]`, nil), browser.Answer{})

	dir := admin.Get(a.base + "/admin/directory")
	if dir.StatusCode != http.StatusOK || len(dir.FindAll(`div[id="grant-needed"]`)) != 0 {
		t.Fatalf("directory page: %d:\n%s", dir.StatusCode, dir.Content)
	}
	queued := admin.Submit(dir, `form[action="/admin/directory/sync"]`, nil)
	deadline := time.Now().Add(20 * time.Second)
	for len(queued.FindAll(`input[name="email"]`)) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no copy after 20s:\n%s\nlogs:\n%s", queued.Content, a.stderr)
		}
		time.Sleep(200 * time.Millisecond)
		queued = admin.Get(a.base + "/admin/directory")
	}
	var invitee string
	for _, box := range queued.FindAll(`input[name="email"]`) {
		if v := browser.Attr(box, "value"); !strings.Contains(queued.Content, v+" · admin") {
			invitee = v
			break
		}
	}
	local, _, _ := strings.Cut(invitee, "@")
	found := admin.Get(a.base + "/admin/directory?q=" + url.QueryEscape(local))
	if boxes := found.FindAll(fmt.Sprintf(`input[name="email"][value=%q]`, invitee)); len(boxes) != 1 || !strings.Contains(found.Content, "Google's directory") {
		t.Fatalf("searching Google's directory for %q did not find them:\n%s", local, found.Content)
	}

	invited := admin.Submit(found, `form[action="/admin/invitations"]`, url.Values{"email": {invitee}})
	links := invited.FindAll(`#issued code.link`)
	if invited.StatusCode != http.StatusOK || len(links) != 1 {
		t.Fatalf("invitations page: %d, %d links:\n%s", invited.StatusCode, len(links), invited.Content)
	}
	link := browser.Text(links[0])

	guest := browser.New(t)
	welcome := guest.Get(link)
	if welcome.StatusCode != http.StatusOK || !strings.Contains(welcome.Content, invitee) {
		t.Fatalf("invitation page: %d:\n%s", welcome.StatusCode, welcome.Content)
	}
	consent := guest.Submit(welcome, `form[action="/auth/signin"]`, nil)
	if landed := guest.Consent(consent, browser.Answer{Account: invitee}); landed.Request.URL.Path != "/dashboard" {
		t.Fatalf("the invitee landed on %s:\n%s", landed.Request.URL, landed.Content)
	}
	list := admin.Get(a.base + "/admin/invitations")
	if st := list.FindAll(`td.status.state-accepted`); len(st) != 1 {
		t.Errorf("the invitation is not accepted:\n%s", list.Content)
	}
	if again := guest.Get(link); again.StatusCode != http.StatusGone {
		t.Errorf("the used link answers %d, want 410", again.StatusCode)
	}
	if err := a.stop(); err != nil {
		t.Errorf("realMain: %v", err)
	}
	if len(errorsLogged(a.stderr.String())) > 0 {
		t.Errorf("errors logged:\n%s", a.stderr)
	}
}
