package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserReviewerAudit walks the security reviewer's audit log: an
// admin turns on Meetings, so that ScopeTrail calls Google's Calendar API,
// and a reviewer reads /audit at 1280 and 390 px. Each call is one row,
// shown with its outcome (the stored entries, with ?raw=1, are more rows),
// people by name; a row opens the entry's page, which shows the call's
// pending and outcome entries side by side with their hashes and place in
// the chain.
func TestBrowserReviewerAudit(t *testing.T) {
	b := newBrowserApp(t, nil)
	admin := b.signedIn(t, b.admin(t), desktop)
	admin.grant(b.admin(t), "calendars")
	admin.visit("/calendars")
	reviewer := b.reviewer(t)

	for _, width := range []int64{desktop, phone} {
		p := b.signedIn(t, reviewer, width)
		p.visit("/audit")
		if h1 := p.text(`h1`); h1 != "Audit log" {
			t.Fatalf("at %d px /audit shows %q", width, h1)
		}
		joined := p.eval(`String(document.querySelectorAll('table.audit tbody tr').length)`)
		call := p.eval(`(() => {
			const row = [...document.querySelectorAll('table.audit tbody tr')]
				.find(r => r.querySelector('td.method').textContent.startsWith('calendar.'));
			return row ? row.id : '';
		})()`)
		if call == "" {
			t.Fatalf("at %d px no row of a Calendar call among %s rows", width, joined)
		}
		if got := p.text(`#` + call + ` td.outcome .state`); got != "ok" {
			t.Errorf("at %d px the Calendar call's row reads %q, not its outcome ok", width, got)
		}
		who, title := p.text(`#`+call+` td.actor`), p.eval(`document.querySelector('#`+call+` td.actor').title`)
		if who == "" || strings.Contains(title, who+" ") || !strings.Contains(title, "@") {
			t.Errorf("at %d px the call's actor shows %q (title %q), not a name with the email behind it", width, who, title)
		}
		// Every column shows, on a laptop without scrolling the table.
		if width == desktop {
			if over := p.eval(`(() => { const w = document.querySelector('table.audit').closest('.table-wrap');
				return w.scrollWidth > w.clientWidth ? w.scrollWidth + ' px of table in ' + w.clientWidth : ''; })()`); over != "" {
				t.Errorf("at %d px the log's columns do not fit: %s", width, over)
			}
		}
		p.check("reviewer-audit")

		p.visit("/audit?raw=1")
		raw := p.eval(`String(document.querySelectorAll('table.audit tbody tr').length)`)
		if n, _ := strconv.Atoi(raw); n <= mustAtoi(t, joined) {
			t.Errorf("at %d px the log shows %s rows and the stored entries %s: want more stored entries than rows", width, joined, raw)
		}

		p.visit("/audit")
		p.run(
			chromedp.Click(chromedp.CSS(`#`+call+` td.time a`)),
			chromedp.WaitVisible(chromedp.CSS(`#chain-seq`)),
		)
		seq := strings.TrimPrefix(call, "entry-")
		if h1 := p.text(`h1`); h1 != "Audit entry "+seq {
			t.Errorf("at %d px the row opens %q", width, h1)
		}
		for sel, want := range map[string]string{"#column-" + seq: "Pending entry", "#field-outcome td": "pending", "#field-outcome td:last-child": "ok",
			"#field-method_name": "calendar.", "#chain-seq": seq + " of "} {
			if got := p.text(sel); !strings.Contains(got, want) {
				t.Errorf("at %d px %s says %q, want %q", width, sel, got, want)
			}
		}
		if hash := p.text(`#field-hash td`); len(hash) < 32 {
			t.Errorf("at %d px the entry's hash is %q", width, hash)
		}
		p.check("reviewer-audit-entry")
	}
}

// mustAtoi reads a count the page gave.
func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("count %q: %v", s, err)
	}
	return n
}
