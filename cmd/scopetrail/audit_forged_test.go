package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
)

// TestForgedRowPastHeadFailsClosed boots the demo, signs in and links
// calendars, then forges a row past the chain's head as someone with write
// access to the database would. From then on the app must refuse every
// Google call and every sign-in with "audit trail inconsistent at entry N",
// never a 500, and the chain page must say the same.
func TestForgedRowPastHeadFailsClosed(t *testing.T) {
	a := startApp(t, "")
	b := browser.New(t)
	home := b.Get(a.base + "/")
	dash := b.Consent(b.Submit(home, `form[action="/auth/signin"]`, nil), browser.Answer{})
	b.Consent(b.Submit(dash, `form[action="/link/calendars"]`, nil), browser.Answer{})
	if cals := b.Get(a.base + "/calendars"); cals.StatusCode != http.StatusOK {
		t.Fatalf("GET /calendars before the forgery: %d:\n%s", cals.StatusCode, cals.Content)
	}

	forged := forgeRowPastHead(t)
	want := fmt.Sprintf("audit trail inconsistent at entry %d", forged)

	cals := b.Get(a.base + "/calendars")
	if cals.StatusCode != http.StatusServiceUnavailable || !strings.Contains(cals.Content, want) {
		t.Errorf("GET /calendars after the forgery: %d, want 503 with %q:\n%s", cals.StatusCode, want, cals.Content)
	}
	chain := b.Get(a.base + "/audit/chain")
	if chain.StatusCode != http.StatusOK || !strings.Contains(chain.Content, want) || strings.Contains(chain.Content, "Consistent up to") {
		t.Errorf("GET /audit/chain after the forgery: %d, want %q and no \"Consistent\":\n%s", chain.StatusCode, want, chain.Content)
	}
	b.Submit(b.Get(a.base+"/dashboard"), `form[action="/auth/signout"]`, nil)
	again := b.Consent(b.Submit(b.Get(a.base+"/"), `form[action="/auth/signin"]`, nil), browser.Answer{})
	if again.StatusCode != http.StatusServiceUnavailable || !strings.Contains(again.Content, want) {
		t.Errorf("signing in after the forgery: %d, want 503 with %q:\n%s", again.StatusCode, want, again.Content)
	}
	if err := a.stop(); err != nil {
		t.Errorf("realMain: %v", err)
	}
	if strings.Contains(a.stderr.String(), `"status":500`) {
		t.Errorf("a request answered 500:\n%s", a.stderr)
	}
}

// forgeRowPastHead inserts a copy of the head entry one past the head, with
// a bogus hash, without moving the head, and returns its seq. The app may
// be appending meanwhile (a sync, outcomes written after their requests):
// an insert that meets the row of such an append tries again past the new
// head.
func forgeRowPastHead(t *testing.T) int64 {
	t.Helper()
	db := openTestDB(t)
	ctx := context.Background()
	for attempt := 0; ; attempt++ {
		var head int64
		if err := db.QueryRow(ctx, "SELECT head_seq FROM audit_chain WHERE id = 1").Scan(&head); err != nil {
			t.Fatal(err)
		}
		_, err := db.Exec(ctx, `INSERT INTO audit_entries
			SELECT seq + 1, 'forged', version, chain_id, time_us, actor_id, actor_email, client_id, event, api_name,
				method_name, scope, purpose, resource, http_status, error_reason, outcome, num_response_bytes, items,
				latency_us, request_id, replica, ref_seq, hash, 'bogus', host, bytes_sent, audio_us, subject_id, subject_email
			FROM audit_entries WHERE seq = ?`, head)
		if err == nil {
			return head + 1
		}
		if attempt == 50 || !strings.Contains(err.Error(), "UNIQUE") {
			t.Fatalf("forging a row past the head at entry %d: %v", head, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
