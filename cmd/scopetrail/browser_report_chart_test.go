package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserReportChart walks the reviewer's path through the
// least-privilege report at 1280 and 390 px: the summary comes first with
// its four figures, then the usage chart, whose range links switch it
// between 7, 30 and 90 days; then the reviewer's own page.
func TestBrowserReportChart(t *testing.T) {
	b := newBrowserApp(t, nil)
	admin := b.signedIn(t, b.admin(t), desktop)
	// The admin turns Calendars on: a grant, and the calendar calls of its
	// first sync, for the report to show.
	admin.grant(b.admin(t), "calendars")
	// The calendars page lists the admin's calendars from Google: calls
	// for the chart to draw.
	admin.visit("/calendars")
	reviewer := b.reviewer(t)
	for _, tt := range []struct {
		width int64
		to    string
	}{{desktop, "7"}, {phone, "90"}} {
		p := b.signedIn(t, reviewer, tt.width)
		p.visit("/report")
		if got := p.text(`#summary-heading`); got != "Summary" {
			t.Errorf("at %d px the report starts with %q, not the summary", tt.width, got)
		}
		for _, id := range []string{"#sum-holders", "#sum-unused", "#sum-redundant", "#sum-alternatives"} {
			if got := p.text(id); got == "" || strings.Trim(got, "0123456789") != "" {
				t.Errorf("at %d px the summary's %s reads %q, not a count", tt.width, id, got)
			}
		}
		if got := p.text(`#usage h2`); got != "Scope use, last 30 days" {
			t.Errorf("at %d px the chart is titled %q", tt.width, got)
		}
		if n := p.eval(`String(document.querySelectorAll('#usage svg[role=img]').length)`); n != "2" {
			t.Errorf("at %d px the chart has %s panels, want calls and bytes", tt.width, n)
		}
		p.check("report-chart")
		p.run(
			chromedp.Click(chromedp.CSS(`#usage .chart-ranges a[href^="/report?days=`+tt.to+`"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#usage .chart-ranges .current`)),
		)
		if got := p.text(`#usage h2`); got != "Scope use, last "+tt.to+" days" {
			t.Errorf("at %d px, after choosing %s days, the chart is titled %q", tt.width, tt.to, got)
		}
		if rows := p.eval(`String(document.querySelectorAll('#usage details tbody tr').length)`); rows != tt.to {
			t.Errorf("at %d px the %s-day table has %s rows", tt.width, tt.to, rows)
		}
		p.check("")
		p.visit("/users/me")
		if got := p.text(`h1`); got != "Your access" {
			t.Errorf("at %d px /users/me is titled %q", tt.width, got)
		}
		p.check("")
	}
}
