package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
)

// TestCallbackAnswers boots the demo and comes back to /auth/callback as
// Google, a broken Google or an attacker might: nothing the caller sends is
// a 5xx, each page says what happened without echoing error_description,
// and sign-ins started in several tabs each stay finishable until used.
func TestCallbackAnswers(t *testing.T) {
	a := startApp(t, "")
	b := browser.New(t, browser.StopAtRedirects())
	// start begins a sign-in in a new tab and returns Google's URL and the
	// state.
	start := func() (string, string) {
		t.Helper()
		r := b.Submit(b.Get(a.base+"/"), `form[action="/auth/signin"]`, nil)
		u, err := url.Parse(r.Location())
		if r.StatusCode != http.StatusSeeOther || err != nil {
			t.Fatalf("sign-in answered %d to %q", r.StatusCode, r.Location())
		}
		return u.String(), u.Query().Get("state")
	}
	callback := func(q url.Values) *browser.Page {
		t.Helper()
		return b.Get(a.base + "/auth/callback?" + q.Encode())
	}
	kept, keptState := start()
	for _, tc := range []struct {
		name  string
		query func(state string) url.Values
		want  string
	}{
		{"temporarily unavailable", func(s string) url.Values {
			return url.Values{"state": {s}, "error": {"temporarily_unavailable"}, "error_description": {"<script>x</script>"}}
		}, `"temporarily_unavailable"`},
		{"interaction required", func(s string) url.Values { return url.Values{"state": {s}, "error": {"interaction_required"}} }, `"interaction_required"`},
		{"code Google does not know", func(s string) url.Values { return url.Values{"state": {s}, "code": {"4/0Anot-a-code"}} }, "expired or was already used"},
		{"no code", func(s string) url.Values { return url.Values{"state": {s}} }, "incomplete or malformed"},
		{"two codes", func(s string) url.Values { return url.Values{"state": {s}, "code": {"a", "b"}} }, "incomplete or malformed"},
		{"100k code", func(s string) url.Values { return url.Values{"state": {s}, "code": {strings.Repeat("a", 100_000)}} }, "at most 4096 are accepted"},
		{"forged state", func(string) url.Values { return url.Values{"state": {"forged"}, "code": {"a"}} }, "expired or was already used"},
	} {
		_, state := start()
		r := callback(tc.query(state))
		if r.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", tc.name, r.StatusCode)
		}
		if got := r.TextOf(t, "#error p"); !strings.Contains(got, tc.want) {
			t.Errorf("%s: page says %q, want %q", tc.name, got, tc.want)
		}
		if strings.Contains(r.Content, "<script>x") {
			t.Errorf("%s: the page echoes error_description", tc.name)
		}
	}
	// The first tab's sign-in, started before all the others, still
	// finishes.
	loc := b.OpenConsent(kept).Submit(browser.Answer{})
	if loc.Query().Get("state") != keptState {
		t.Fatalf("consent redirected with another state")
	}
	if r := b.Get(loc.String()); r.StatusCode != http.StatusSeeOther || r.Location() != "/dashboard" {
		t.Errorf("the first tab's callback: %d to %q, want a redirect to /dashboard", r.StatusCode, r.Location())
	}
	if strings.Contains(a.stderr.String(), "<script>x") {
		t.Error("the log holds error_description")
	}
}
