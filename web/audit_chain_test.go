package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestAuditChainPage checks the quick status every load shows, and the
// whole chain's verification a reviewer asks for, of an intact trail, of
// tampered ones and of an empty one.
func TestAuditChainPage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		tamper []string
		// status is the class of #chain-status, the quick check; status
		// maps its selectors to the text they must show.
		status string
		quick  map[string]string
		// verify is the class of #verify-status after "Verify now", and
		// want maps selectors to the text they must show then; {T:N}
		// stands for the time of entry N.
		verify string
		want   map[string]string
	}{
		{name: "intact", status: "ok", verify: "ok", quick: map[string]string{
			"#consistent": "Consistent up to entry 13 at {T:13}.",
			"#entries":    "13",
			"#checkpoint": "entry 10, signed",
			"#unsigned":   "3",
		}, want: map[string]string{"#verified": "Verified up to entry 13 at {T:13}", "#limits": "No witness was checked"}},
		{name: "field edited", status: "ok", verify: "bad", tamper: []string{"UPDATE audit_entries SET resource = 'item=z' WHERE seq = 7"},
			want: map[string]string{"#first-bad": "Entry 7: edited", "#verified": "The chain is intact up to entry 6 at {T:6}."}},
		{name: "entry deleted", status: "ok", verify: "bad", tamper: []string{"DELETE FROM audit_entries WHERE seq = 4"},
			want: map[string]string{"#first-bad": "Entry 4: deleted", "#verified": "The chain is intact up to entry 3 at {T:3}."}},
		{name: "entries reordered", status: "ok", verify: "bad", tamper: []string{
			"UPDATE audit_entries SET seq = 1009 WHERE seq = 9", "UPDATE audit_entries SET seq = 9 WHERE seq = 8",
			"UPDATE audit_entries SET seq = 8 WHERE seq = 1009"},
			want: map[string]string{"#first-bad": "Entry 8: reordered"}},
		{name: "tail truncated", status: "bad", verify: "bad", tamper: []string{"DELETE FROM audit_entries WHERE seq > 12"},
			quick: map[string]string{"#inconsistent": "audit trail inconsistent at entry 13"},
			want:  map[string]string{"#first-bad": "Entry 13: truncated", "#verified": "The chain is intact up to entry 12"}},
		{name: "row past the head", status: "bad", verify: "bad", tamper: []string{
			"INSERT INTO audit_entries SELECT seq + 1, 'forged', version, chain_id, time_us, actor_id, actor_email, client_id, event, " +
				"api_name, method_name, scope, purpose, resource, http_status, error_reason, outcome, num_response_bytes, items, " +
				"latency_us, request_id, replica, ref_seq, hash, 'bogus', host, bytes_sent, audio_us, subject_id, subject_email " +
				"FROM audit_entries WHERE seq = 13"},
			quick: map[string]string{"#inconsistent": "audit trail inconsistent at entry 14"},
			want:  map[string]string{"#first-bad": "Entry 14"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			trail, db := newTestTrail(t)
			fillTrail(t, trail, 7) // 6 requests of two entries and a refusal: 13 entries, checkpointed at 5 and 10
			times := entryTimes(t, trail)
			for _, stmt := range tt.tamper {
				if _, err := db.Exec(context.Background(), stmt); err != nil {
					t.Fatalf("%s: %v", stmt, err)
				}
			}
			h := newReviewHarness(t, trail, nil)
			h.signIn(alice)
			expect := func(r *browser.Page, box, class string, want map[string]string) {
				t.Helper()
				h.expectStatus(r, http.StatusOK)
				if r.Find(box+"."+class) == nil {
					t.Errorf("%s is not %q:\n%s", box, class, r.Content)
				}
				for sel, want := range want {
					for seq, at := range times {
						want = strings.ReplaceAll(want, fmt.Sprintf("{T:%d}", seq), at)
					}
					if got := r.TextOf(t, sel); !strings.Contains(got, want) {
						t.Errorf("%s: %q, want %q", sel, got, want)
					}
				}
			}
			r := h.get("/audit/chain")
			expect(r, "#chain-status", tt.status, tt.quick)
			pre := r.Find("pre#pubkey")
			if pre == nil || pre.FirstChild == nil {
				t.Fatalf("no public key shown:\n%s", r.Content)
			}
			pub, err := audit.ParsePublicKey(pre.FirstChild.Data)
			if err != nil || !pub.Equal(auditKey.Public()) {
				t.Errorf("the page shows public key %x (%v), want the trail's", pub, err)
			}
			if r.Find("#verify-status") != nil {
				t.Errorf("the page verified the whole chain without being asked")
			}
			expect(h.post("/audit/chain/verify", nil), "#verify-status", tt.verify, tt.want)
		})
	}
	t.Run("empty", func(t *testing.T) {
		t.Parallel()
		trail, _ := newTestTrail(t)
		h := newReviewHarness(t, trail, nil)
		h.signIn(rita)
		for _, r := range []*browser.Page{h.get("/audit/chain"), h.post("/audit/chain/verify", nil)} {
			if got := r.TextOf(t, "#consistent"); !strings.Contains(got, "empty") {
				t.Errorf("#consistent: %q", got)
			}
		}
	})
	t.Run("no key", func(t *testing.T) {
		t.Parallel()
		h := newReviewHarness(t, audit.New(sqldbtest.SQLite(t), audit.Options{}), nil)
		h.signIn(rita)
		for _, r := range []*browser.Page{h.get("/audit/chain"), h.post("/audit/chain/verify", nil)} {
			if got := r.TextOf(t, "#chain-status"); !strings.Contains(got, "AUDIT_SIGNING_KEY") {
				t.Errorf("#chain-status: %q", got)
			}
		}
		h.expectStatus(h.get("/audit/pubkey.pem"), http.StatusNotFound)
	})
}

// TestAge checks the words for how old a checkpoint is.
func TestAge(t *testing.T) {
	for d, want := range map[time.Duration]string{
		-time.Second: "0 seconds", time.Second: "1 second", 59 * time.Second: "59 seconds", time.Minute: "1 minute",
		90 * time.Minute: "1 hour", 47 * time.Hour: "47 hours", 72 * time.Hour: "3 days",
	} {
		if got := age(d); got != want {
			t.Errorf("age(%v) = %q, want %q", d, got, want)
		}
	}
}

// TestAuditPublicKeyDownload checks that the public key downloads as a PEM
// attachment that verifies the chain.
func TestAuditPublicKeyDownload(t *testing.T) {
	t.Parallel()
	trail, _ := newTestTrail(t)
	fillTrail(t, trail, 3)
	h := newReviewHarness(t, trail, nil)
	h.signIn(rita)
	r := h.get("/audit/pubkey.pem")
	h.expectStatus(r, http.StatusOK)
	if cd := r.Header.Get("Content-Disposition"); cd != `attachment; filename="scopetrail-audit-`+audit.KeyID(trail.PublicKey())+`.pem"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	pub, err := audit.ParsePublicKey(r.Content)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := trail.Verify(context.Background(), pub)
	if err != nil || !rep.OK() {
		t.Errorf("the downloaded key does not verify the chain: %+v, %v", rep, err)
	}
	if !strings.HasPrefix(r.Content, "-----BEGIN PUBLIC KEY-----") {
		t.Errorf("not PEM:\n%s", r.Content)
	}
}

// entryTimes returns the time of each stored entry as the chain page shows
// it, by seq.
func entryTimes(t *testing.T, trail *audit.Trail) map[int64]string {
	t.Helper()
	out := map[int64]string{}
	for e, err := range trail.Entries(context.Background(), audit.Filter{Raw: true}) {
		if err != nil {
			t.Fatal(err)
		}
		out[e.Seq] = e.Time.UTC().Format("2006-01-02 15:04:05 UTC")
	}
	return out
}
