package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserDirectoryInvite walks the admin's invitation of a colleague at
// 1280 and 390 px: she lets ScopeTrail read the directory, watches the
// first sync end in its result, finds herself marked as a user with no box
// to tick, selects all and clears the selection, ticks one colleague,
// invites her, and sees the invitation "sent" with its link and a button
// that copies it.
func TestBrowserDirectoryInvite(t *testing.T) {
	b := newBrowserApp(t, nil)
	admin := b.admin(t)
	for i, width := range []int64{desktop, phone} {
		p := b.signedIn(t, admin, width)
		if i == 0 {
			p.grant(admin, "invite")
		}
		p.visit("/admin/directory")
		// progress.js follows the sync and reloads the page once it ended.
		p.run(chromedp.WaitVisible(chromedp.CSS(`#sync-result`)))
		if got := p.text("#sync-result"); !strings.HasPrefix(got, "Synced ") || !strings.Contains(got, " people in ") {
			t.Errorf("at %d px the sync's result reads %q", width, got)
		}
		standing := p.eval(fmt.Sprintf(`(() => {
			const row = [...document.querySelectorAll('tr.person')].find(r => r.querySelector('.email').textContent.trim() === %q);
			return row ? row.querySelector('td.invitation').textContent.trim() + (row.querySelector('input[name=email]') ? ' +box' : '') : 'missing';
		})()`, admin))
		if standing != "already a user · admin" {
			t.Errorf("at %d px the admin's own row reads %q, want marked as a user with no box", width, standing)
		}
		p.run(chromedp.Click(chromedp.CSS(`#select-all`)))
		if got := p.eval(`String([...document.querySelectorAll('#pick input[name=email]')].every(b => b.checked))`); got != "true" {
			t.Errorf("at %d px select all left boxes unticked", width)
		}
		p.run(chromedp.Click(chromedp.CSS(`#select-all`)))
		p.check("directory")
		colleague := p.eval(`(() => {
			const box = document.querySelector('#pick input[name=email]:not(:checked)');
			if (!box) return '';
			box.click();
			return box.value;
		})()`)
		if colleague == "" {
			t.Fatalf("at %d px nobody can be invited", width)
		}
		if got := p.eval(`String(document.querySelectorAll('#pick input[name=email]:checked').length)`); got != "1" {
			t.Errorf("at %d px clearing the selection left %s ticked besides the colleague", width, got)
		}
		p.run(
			chromedp.Click(chromedp.CSS(`#pick button.primary`)),
			chromedp.WaitVisible(chromedp.CSS(`#issued`)),
		)
		row := fmt.Sprintf(`(() => {
			const row = [...document.querySelectorAll('table.invitations tbody tr')].find(r => r.querySelector('td.email').textContent.trim() === %q);
			return row ? row.querySelector('td.status').textContent.trim() : 'missing';
		})()`, colleague)
		if got := p.eval(row); got != "sent" {
			t.Errorf("at %d px the invitation of %s reads %q, want sent", width, colleague, got)
		}
		if got := p.text(".flash"); got != "1 invitation issued: copy the links below and send them." {
			t.Errorf("at %d px the flash reads %q", width, got)
		}
		link := p.text(`#issued code.link`)
		if !strings.HasPrefix(link, b.base+"/invite/") {
			t.Errorf("at %d px the link reads %q", width, link)
		}
		p.run(chromedp.WaitVisible(chromedp.CSS(`#issued button[data-copy]`)))
		p.check("invitations")
		p.run(chromedp.Click(chromedp.CSS(`#issued button[data-copy]`)))
		deadline := time.Now().Add(3 * time.Second)
		for p.text(`#issued .copied`) == "" && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
		}
		if got := p.text(`#issued .copied`); got == "" {
			t.Errorf("at %d px copying the link says nothing", width)
		}
	}
}
