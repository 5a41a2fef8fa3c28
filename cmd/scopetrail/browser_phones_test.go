package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserSignInPersonas: at both widths the demo's sign-in page lists
// the admin, the member and the reviewer, and a persona's button opens the
// fake Google's consent page with that account chosen, which signs in.
func TestBrowserSignInPersonas(t *testing.T) {
	b := newBrowserApp(t, nil)
	accounts := b.accounts(t)
	for _, width := range []int64{desktop, phone} {
		p := b.newTab(t, width)
		p.visit("/")
		for i, role := range []string{"admin", "member", "reviewer"} {
			entry := fmt.Sprintf(`#demo-accounts li[data-email=%q]`, accounts[i])
			if got := p.text(entry + " .role"); got != role {
				t.Errorf("at %d px the sign-in page lists %s as %q, want %s", width, accounts[i], got, role)
			}
		}
		p.check("sign-in")
		p.run(chromedp.Click(chromedp.CSS(fmt.Sprintf(`#demo-accounts li[data-email=%q] button`, accounts[1]))),
			chromedp.WaitVisible(chromedp.CSS(`select#account`)))
		if chosen := p.eval(`document.querySelector('select#account').value`); chosen != accounts[1] {
			t.Errorf("at %d px the member's button opens the consent page with %q chosen, want %s", width, chosen, accounts[1])
		}
		p.check("")
		p.run(chromedp.Click(chromedp.CSS(`button[value=allow]`)), chromedp.WaitVisible(chromedp.CSS(`nav .who`)))
		if who := p.text(`nav .who`); who != accounts[1]+" · member" {
			t.Errorf("at %d px signed in as %q, want the member %s", width, who, accounts[1])
		}
	}
}

// TestBrowserPhoneNavAndJobs: on a phone the admin's navigation shows
// every link on the screen, and no page it leads to scrolls sideways; the
// Jobs page filters by state at both widths.
func TestBrowserPhoneNavAndJobs(t *testing.T) {
	b := newBrowserApp(t, nil)
	admin := b.signedIn(t, b.admin(t), phone)
	links := admin.eval(`(() => {
		const w = document.documentElement.clientWidth;
		return [...document.querySelectorAll('header nav a')].map(a => {
			const r = a.getBoundingClientRect();
			return (r.width > 0 && r.left >= 0 && r.right <= w ? '' : '!') + a.getAttribute('href');
		}).join(' ');
	})()`)
	if strings.Contains(links, "!") || !strings.Contains(links, "/admin/jobs") {
		t.Errorf("navigation links on a phone (! marks one off the screen): %s", links)
	}
	admin.check("dashboard")
	for _, path := range strings.Fields(links) {
		admin.visit(strings.TrimPrefix(path, "!"))
		for _, pr := range admin.trouble() {
			if strings.Contains(pr, "scrolls sideways") {
				t.Error(pr)
			}
		}
	}

	desk := b.signedIn(t, b.admin(t), desktop)
	for _, p := range []*tab{admin, desk} {
		p.visit("/dashboard")
		p.run(chromedp.Click(chromedp.CSS(`header nav a[href="/admin/jobs"]`)), chromedp.WaitVisible(chromedp.CSS(`#job-filters`)))
		p.check("jobs")
		p.run(chromedp.SetValue(chromedp.CSS(`select#filter-state`), "completed"),
			chromedp.Click(chromedp.CSS(`#job-filters button`)), chromedp.WaitVisible(chromedp.CSS(`#filter-summary`)))
		states := p.eval(`[...document.querySelectorAll('table.jobs tbody tr')].map(r => r.className).join(' ')`)
		if url := p.eval(`location.search`); url != "?kind=&state=completed" {
			t.Errorf("at %d px filtering leads to %q", p.width, url)
		}
		for _, state := range strings.Fields(states) {
			if state != "state-completed" {
				t.Errorf("at %d px a job filtered on completed is in %s", p.width, state)
			}
		}
		if states == "" {
			t.Errorf("at %d px no completed job is listed", p.width)
		}
		p.check("jobs-completed")
	}
}
