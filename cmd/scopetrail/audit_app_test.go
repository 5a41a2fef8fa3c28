package main

import (
	"net/http"
	"strings"
	"testing"
)

// TestReviewerPagesWired boots the demo, signs in its first user (an
// admin), and reads the reviewer's pages: the audit log holds the sign-in,
// the chain verifies, the key downloads and the report renders.
func TestReviewerPagesWired(t *testing.T) {
	a := startApp(t, "")
	b := newBrowser(t)
	home := b.do(http.MethodGet, a.base+"/", nil)
	dash := b.consent(b.postForm(home, "/auth/signin", nil))
	if dash.url.Path != "/dashboard" {
		t.Fatalf("after sign-in: %s", dash.url)
	}
	for path, want := range map[string]string{
		"/audit":            `<td class="event">signin</td>`,
		"/audit/chain":      "Verified up to entry",
		"/audit/pubkey.pem": "-----BEGIN PUBLIC KEY-----",
		"/report":           `id="scope-drive-readonly"`,
	} {
		p := b.do(http.MethodGet, a.base+path, nil)
		if p.code != http.StatusOK || !strings.Contains(p.body, want) {
			t.Errorf("GET %s: %d, want %q in:\n%s", path, p.code, want, p.body)
		}
	}
	if err := a.stop(); err != nil {
		t.Errorf("realMain: %v", err)
	}
}
