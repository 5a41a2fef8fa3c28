package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestAuditChainPage checks the chain status of an intact trail, of
// tampered ones and of an empty one.
func TestAuditChainPage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		tamper []string
		// want maps selectors to the text they must show; {T:N} stands for
		// the time of entry N.
		want   map[string]string
		status string // the class of #chain-status
	}{
		{name: "intact", status: "ok", want: map[string]string{
			"#verified":   "Verified up to entry 13 at {T:13}.",
			"#entries":    "13",
			"#checkpoint": "entry 10, signed",
			"#unsigned":   "3",
		}},
		{name: "field edited", status: "bad", tamper: []string{"UPDATE audit_entries SET resource = 'item=z' WHERE seq = 7"},
			want: map[string]string{"#first-bad": "Entry 7: edited", "#verified": "The chain is intact up to entry 6 at {T:6}."}},
		{name: "entry deleted", status: "bad", tamper: []string{"DELETE FROM audit_entries WHERE seq = 4"},
			want: map[string]string{"#first-bad": "Entry 4: deleted", "#verified": "The chain is intact up to entry 3 at {T:3}."}},
		{name: "entries reordered", status: "bad", tamper: []string{
			"UPDATE audit_entries SET seq = 1009 WHERE seq = 9", "UPDATE audit_entries SET seq = 9 WHERE seq = 8",
			"UPDATE audit_entries SET seq = 8 WHERE seq = 1009"},
			want: map[string]string{"#first-bad": "Entry 8: reordered"}},
		{name: "tail truncated", status: "bad", tamper: []string{"DELETE FROM audit_entries WHERE seq > 12"},
			want: map[string]string{"#first-bad": "Entry 13: truncated", "#verified": "The chain is intact up to entry 12"}},
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
			r := h.get("/audit/chain")
			h.expectStatus(r, http.StatusOK)
			if r.Find("#chain-status."+tt.status) == nil {
				t.Errorf("#chain-status is not %q:\n%s", tt.status, r.Content)
			}
			for sel, want := range tt.want {
				for seq, at := range times {
					want = strings.ReplaceAll(want, fmt.Sprintf("{T:%d}", seq), at)
				}
				if got := r.TextOf(t, sel); !strings.Contains(got, want) {
					t.Errorf("%s: %q, want %q", sel, got, want)
				}
			}
			pre := r.Find("pre#pubkey")
			if pre == nil || pre.FirstChild == nil {
				t.Fatalf("no public key shown:\n%s", r.Content)
			}
			pub, err := audit.ParsePublicKey(pre.FirstChild.Data)
			if err != nil || !pub.Equal(auditKey.Public()) {
				t.Errorf("the page shows public key %x (%v), want the trail's", pub, err)
			}
		})
	}
	t.Run("empty", func(t *testing.T) {
		t.Parallel()
		trail, _ := newTestTrail(t)
		h := newReviewHarness(t, trail, nil)
		h.signIn(rita)
		r := h.get("/audit/chain")
		if got := r.TextOf(t, "#verified"); !strings.Contains(got, "empty") {
			t.Errorf("#verified: %q", got)
		}
	})
	t.Run("no key", func(t *testing.T) {
		t.Parallel()
		h := newReviewHarness(t, audit.New(sqldbtest.SQLite(t), audit.Options{}), nil)
		h.signIn(rita)
		r := h.get("/audit/chain")
		if got := r.TextOf(t, "#chain-status"); !strings.Contains(got, "AUDIT_SIGNING_KEY") {
			t.Errorf("#chain-status: %q", got)
		}
		h.expectStatus(h.get("/audit/pubkey.pem"), http.StatusNotFound)
	})
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
