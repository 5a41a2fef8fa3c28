package web

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
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
			"#checkpoint": "#2 made",
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

// TestAuditChainCheckpointDue checks what the chain page says about the
// latest checkpoint and the next one: how old the latest is and what it
// covers, when the next is due by time and by count, and a warning when
// the timer passed an entry that no checkpoint covers.
func TestAuditChainCheckpointDue(t *testing.T) {
	t.Parallel()
	// trail returns a trail checkpointed every 5 entries and on a timer of
	// interval, on a clock that moves a minute at each reading, holding 13
	// entries (checkpoint #2 covers the first 10), or 15 when signed is
	// set, every one then covered by checkpoint #3.
	trail := func(t *testing.T, interval time.Duration, signed bool) *audit.Trail {
		clock := &minuteClock{t: logStart}
		tr := audit.New(sqldbtest.SQLite(t), audit.Options{Replica: "r1", Signer: auditKey, CheckpointEvery: 5,
			CheckpointInterval: interval, Now: clock.Now})
		fillTrail(t, tr, 7)
		if signed {
			fillTrail(t, tr, 1)
			if _, err := tr.Append(context.Background(), audit.Entry{ActorID: bob.ID, Event: audit.EventRevoke}); err != nil {
				t.Fatal(err)
			}
		}
		return tr
	}
	for _, tt := range []struct {
		name     string
		interval time.Duration
		signed   bool
		// checkpoint and next are what #checkpoint and #next-checkpoint
		// say; due is the entry whose time plus the interval is the
		// <time datetime> of the next checkpoint, 0 for none.
		checkpoint, next string
		due              int64
		overdue          bool
	}{
		{name: "due", interval: time.Hour, checkpoint: "#2 made {AGE} ago, covering entries 1–10",
			next: `^due in 5\d minutes or after 2 more entries \(at entry 15\), whichever comes first$`, due: 11},
		{name: "overdue", interval: time.Minute, checkpoint: "#2 made {AGE} ago, covering entries 1–10",
			next: `^overdue by the timer; by count, at entry 15 \(2 more entries\)$`, overdue: true},
		{name: "every entry signed", interval: time.Minute, signed: true, checkpoint: "#3 made {AGE} ago, covering entries 1–15",
			next: `^not needed yet: every entry is signed\. The next one comes within 1 minute of the next entry, or at entry 20 \(5 more entries\)$`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tr := trail(t, tt.interval, tt.signed)
			times := map[int64]time.Time{}
			for e, err := range tr.Entries(context.Background(), audit.Filter{Raw: true}) {
				if err != nil {
					t.Fatal(err)
				}
				times[e.Seq] = e.Time
			}
			st, err := tr.Status(context.Background())
			if err != nil || st.Checkpoint == nil {
				t.Fatalf("status: %+v, %v", st, err)
			}
			h := newReviewHarness(t, tr, nil)
			h.signIn(rita)
			r := h.get("/audit/chain")
			h.expectStatus(r, http.StatusOK)
			made := r.Find(`#checkpoint time[datetime="` + st.Checkpoint.Time.UTC().Format(time.RFC3339) + `"]`)
			if made == nil {
				t.Fatalf("#checkpoint has no <time datetime> of the checkpoint's time %s:\n%s", st.Checkpoint.Time, r.Content)
			}
			if ago := browser.Text(made); !regexp.MustCompile(`^\d+ minutes? ago$`).MatchString(ago) {
				t.Errorf("the checkpoint was made %q", ago)
			} else if want := strings.ReplaceAll(tt.checkpoint, "{AGE} ago", ago); !strings.HasPrefix(sentence(r.TextOf(t, "#checkpoint")), want) {
				t.Errorf("#checkpoint: %q, want %q", sentence(r.TextOf(t, "#checkpoint")), want)
			}
			if got := sentence(r.TextOf(t, "#next-checkpoint")); !regexp.MustCompile(tt.next).MatchString(got) {
				t.Errorf("#next-checkpoint: %q, want %s", got, tt.next)
			}
			if tt.due > 0 {
				at := times[tt.due].Add(tt.interval).UTC().Format(time.RFC3339)
				if r.Find(`#next-checkpoint time[datetime="`+at+`"]`) == nil {
					t.Errorf("#next-checkpoint has no <time datetime=%q>:\n%s", at, r.Content)
				}
			}
			warn := r.Find("#checkpoint-overdue.banner.warn")
			if (warn != nil) != tt.overdue {
				t.Errorf("overdue warning shown: %v, want %v", warn != nil, tt.overdue)
			}
			if warn != nil {
				since := times[11].UTC().Format(time.RFC3339)
				if got := sentence(browser.Text(warn)); !strings.Contains(got, "A checkpoint is overdue.") ||
					browser.FindIn(warn, `time[datetime="`+since+`"]`) == nil {
					t.Errorf("the warning says %q, without the time of entry 11 (%s)", got, since)
				}
			}
		})
	}
}

// sentence undoes the space that browser.Text puts after each element's
// text before the punctuation that follows it, as "ago , covering".
func sentence(s string) string {
	return strings.NewReplacer(" ,", ",", " ;", ";", " .", ".").Replace(s)
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
