package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
)

// TestReviewerPagesWired boots the demo, signs in its first user (an
// admin), and reads the reviewer's pages: the audit log holds the sign-in,
// the chain is consistent, the key downloads, the report renders with its
// transcription egress, and the member's transcript search answers.
func TestReviewerPagesWired(t *testing.T) {
	a := startApp(t, "")
	b := browser.New(t)
	home := b.Get(a.base + "/")
	dash := b.Consent(b.Submit(home, `form[action="/auth/signin"]`, nil), browser.Answer{})
	if dash.Request.URL.Path != "/dashboard" {
		t.Fatalf("after sign-in: %s", dash.Request.URL)
	}
	for path, want := range map[string]string{
		"/audit":            `<span class="event">signin</span>`,
		"/audit/chain":      "Consistent up to entry",
		"/audit/pubkey.pem": "-----BEGIN PUBLIC KEY-----",
		"/report":           `id="scope-drive-readonly"`,
		"/report#egress":    `id="no-egress"`,
		"/transcripts?q=x":  `id="no-hits"`,
	} {
		p := b.Get(a.base + path)
		if p.StatusCode != http.StatusOK || !strings.Contains(p.Content, want) {
			t.Errorf("GET %s: %d, want %q in:\n%s", path, p.StatusCode, want, p.Content)
		}
	}
	if err := a.stop(); err != nil {
		t.Errorf("realMain: %v", err)
	}
}
