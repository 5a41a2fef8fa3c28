package main

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserAuditChain walks the security reviewer's check of the chain
// at 1280 and 390 px: /audit/chain says how old the latest checkpoint is,
// what it covers and when the next is due, and "Verify the whole chain now"
// finds it intact.
func TestBrowserAuditChain(t *testing.T) {
	b := newBrowserApp(t, map[string]string{"AUDIT_CHECKPOINT_INTERVAL": "1s"})
	reviewer := b.reviewer(t)
	made := regexp.MustCompile(`^#\d+ made \d+ seconds? ago, covering entries 1–[\d,]+ \(signed .+ UTC with key \w+\)$`)
	next := regexp.MustCompile(`^(due in (\d+ seconds?|less than a second) or after [\d,]+ more entries \(at entry [\d,]+\), whichever comes first|` +
		`not needed yet: every entry is signed\. The next one comes within 1 second of the next entry, or at entry [\d,]+ \([\d,]+ more entries\))$`)
	for _, width := range []int64{desktop, phone} {
		p := b.signedIn(t, reviewer, width)
		p.visit("/audit/chain")
		for deadline := time.Now().Add(10 * time.Second); !strings.HasPrefix(p.text("#checkpoint"), "#") && time.Now().Before(deadline); {
			time.Sleep(500 * time.Millisecond) // the timer signs the sign-ins' entries within a second
			p.visit("/audit/chain")
		}
		if got := p.text("#checkpoint"); !made.MatchString(got) {
			t.Errorf("at %d px the latest checkpoint reads %q", width, got)
		}
		if got := p.text("#next-checkpoint"); !next.MatchString(got) {
			t.Errorf("at %d px the next checkpoint reads %q", width, got)
		}
		p.check("audit-chain")
		p.run(chromedp.Click(chromedp.CSS(`#verify-now`)), chromedp.WaitVisible(chromedp.CSS(`#verify-status`)))
		if got := p.text("#verified"); !strings.HasPrefix(got, "Verified up to entry ") {
			t.Errorf("at %d px verifying the whole chain says %q", width, got)
		}
		p.check("audit-chain-verified")
	}
}
