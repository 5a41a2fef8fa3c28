package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
)

// TestStartupConfigAudited boots the demo with a mail server configured and
// checks that the audit log holds one config entry, whose page lists what
// the app sends to Google and elsewhere, and no secret.
func TestStartupConfigAudited(t *testing.T) {
	a := startAppWith(t, "", map[string]string{"SMTP_HOST": "mail.example.test", "SMTP_PORT": "2525",
		"SMTP_USERNAME": "mailer", "SMTP_PASSWORD": "hunter2-not-logged", "SMTP_FROM": "scopetrail@example.test"})
	b := browser.New(t)
	dash := b.Consent(b.Submit(b.Get(a.base+"/"), `form[action="/auth/signin"]`, nil), browser.Answer{})
	if dash.Request.URL.Path != "/dashboard" {
		t.Fatalf("after sign-in: %s", dash.Request.URL)
	}
	p := b.Get(a.base + "/audit?" + url.Values{"event": {"config"}}.Encode())
	if p.StatusCode != http.StatusOK {
		t.Fatalf("GET /audit: %d", p.StatusCode)
	}
	rows := p.FindAll("table.audit tbody tr")
	if len(rows) != 1 {
		t.Fatalf("%d config entries, want 1:\n%s", len(rows), p.Content)
	}
	entry := b.Get(a.base + browser.Attr(p.Find("table.audit tbody tr .time a"), "href"))
	if entry.StatusCode != http.StatusOK {
		t.Fatalf("GET the config entry's page: %d", entry.StatusCode)
	}
	res := browser.Text(entry.Find("#field-resource td"))
	for _, want := range []string{"GOOGLE_CLIENT_ID=", "GOOGLE_DRIVE_URL=http://127.0.0.1:", "GOOGLE_TOKEN_URL=http://127.0.0.1:",
		"SMTP_HOST=mail.example.test", "SMTP_PORT=2525", "SMTP_FROM=scopetrail@example.test", "ALLOWED_DOMAINS=",
		"SIGNUP_DOMAINS="} {
		if !strings.Contains(res, want) {
			t.Errorf("config entry %q lacks %q", res, want)
		}
	}
	for _, secret := range []string{"hunter2", "SMTP_PASSWORD", "SMTP_USERNAME", "mailer", "SECRET", "KEY"} {
		if strings.Contains(res, secret) {
			t.Errorf("config entry %q holds %q", res, secret)
		}
	}
	if got := strings.TrimSpace(browser.Text(p.Find("table.audit tbody tr .actor"))); got != "system" {
		t.Errorf("config entry actor %q, want system", got)
	}
	if err := a.stop(); err != nil {
		t.Errorf("realMain: %v", err)
	}
}

func TestSafeURL(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                            "",
		"https://api.example.com/v1/": "https://api.example.com/v1/",
		"https://user:pw@api.example.com/x?key=s#frag": "https://api.example.com/x",
		"http://[::1]:8080/?":                          "http://[::1]:8080/",
		"::not a url":                                  "(not a URL)",
	} {
		if got := safeURL(in); got != want {
			t.Errorf("safeURL(%q) = %q, want %q", in, got, want)
		}
	}
}
