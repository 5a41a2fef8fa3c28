package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/joho/godotenv"

	"github.com/scopetrail/scopetrail/connector/invite"
	"github.com/scopetrail/scopetrail/scopes"
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
	admin := newBrowser(t)
	home := admin.do(http.MethodGet, a.base+"/", nil)
	dash := admin.consent(admin.postForm(home, "/auth/signin", nil))
	admin.consent(admin.postForm(dash, "/link/invite", nil), scopes.DirectoryReadonly)

	dir := admin.do(http.MethodGet, a.base+"/admin/directory", nil)
	if dir.code != http.StatusOK || len(dir.elements("div", "id", "grant-needed")) != 0 {
		t.Fatalf("directory page: %d:\n%s", dir.code, dir.body)
	}
	queued := admin.postForm(dir, "/admin/directory/sync", nil)
	deadline := time.Now().Add(20 * time.Second)
	for len(queued.elements("input", "name", "email")) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no copy after 20s:\n%s\nlogs:\n%s", queued.body, a.stderr)
		}
		time.Sleep(200 * time.Millisecond)
		queued = admin.do(http.MethodGet, a.base+"/admin/directory", nil)
	}
	var invitee string
	for _, box := range queued.elements("input", "name", "email") {
		if v := attrOf(box, "value"); !strings.Contains(queued.body, v+" · admin") {
			invitee = v
			break
		}
	}
	local, _, _ := strings.Cut(invitee, "@")
	found := admin.do(http.MethodGet, a.base+"/admin/directory?q="+url.QueryEscape(local), nil)
	if boxes := found.elements("input", "name", "email", "value", invitee); len(boxes) != 1 || !strings.Contains(found.body, "Google's directory") {
		t.Fatalf("searching Google's directory for %q did not find them:\n%s", local, found.body)
	}

	invited := admin.postForm(found, "/admin/invitations", url.Values{"email": {invitee}})
	links := invited.elements("input", "class", "link")
	if invited.code != http.StatusOK || len(links) != 1 {
		t.Fatalf("invitations page: %d, %d links:\n%s", invited.code, len(links), invited.body)
	}
	link := attrOf(links[0], "value")

	guest := newBrowser(t)
	welcome := guest.do(http.MethodGet, link, nil)
	if welcome.code != http.StatusOK || !strings.Contains(welcome.body, invitee) {
		t.Fatalf("invitation page: %d:\n%s", welcome.code, welcome.body)
	}
	consent := guest.postForm(welcome, "/auth/signin", nil)
	if landed := guest.postForm(consent, "/o/oauth2/consent", url.Values{"account": {invitee}, "action": {"allow"}}); landed.url.Path != "/dashboard" {
		t.Fatalf("the invitee landed on %s:\n%s", landed.url, landed.body)
	}
	list := admin.do(http.MethodGet, a.base+"/admin/invitations", nil)
	if st := list.elements("td", "class", "status status-accepted"); len(st) != 1 {
		t.Errorf("the invitation is not accepted:\n%s", list.body)
	}
	if again := guest.do(http.MethodGet, link, nil); again.code != http.StatusGone {
		t.Errorf("the used link answers %d, want 410", again.code)
	}
	if err := a.stop(); err != nil {
		t.Errorf("realMain: %v", err)
	}
	if strings.Contains(a.stderr.String(), `"level":"ERROR"`) {
		t.Errorf("errors logged:\n%s", a.stderr)
	}
}
