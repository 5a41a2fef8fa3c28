package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserAdminUsers walks the admin's and a member's main path on the
// users, access and dashboard pages, at 1280 and 390 px: the admin changes
// the member's role and sees the flash, suspends one of the member's
// scopes, which the member's dashboard then calls Suspended and names who
// did it, and resumes it; the member turns calendars off from the
// dashboard and sees it Turned off with a way back.
func TestBrowserAdminUsers(t *testing.T) {
	for _, width := range []int64{desktop, phone} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			b := newBrowserApp(t, nil)
			admin := b.signedIn(t, b.admin(t), width)
			email := b.member(t)
			member := b.signedIn(t, email, width)
			member.grant(email, "calendars")

			admin.visit("/admin/users")
			admin.check("admin-users")
			form := admin.eval(fmt.Sprintf(`(() => {
				const f = [...document.querySelectorAll('form[action^="/admin/users/"][action$="/role"]')]
					.find(f => f.closest('tr').textContent.includes(%q));
				return f ? f.getAttribute('action') : '';
			})()`, email))
			if form == "" {
				t.Fatalf("no role form for %s on /admin/users", email)
			}
			id := strings.TrimSuffix(strings.TrimPrefix(form, "/admin/users/"), "/role")
			for _, role := range []string{"reviewer", "member"} {
				admin.visit("/admin/users") // shows no flash: the page after the change does
				admin.run(
					chromedp.SetValue(chromedp.CSS(`form[action="`+form+`"] select[name=role]`), role),
					chromedp.Click(chromedp.CSS(`form[action="`+form+`"] button`)),
					chromedp.WaitVisible(chromedp.CSS(`.flash`)),
				)
				if got, want := admin.text(`.flash`), email+" is now a "+role+"."; got != want {
					t.Errorf("after the role change the flash says %q, want %q", got, want)
				}
			}
			admin.check("admin-users-flash")

			scope := `#user-` + id + ` li[data-scope="calendar.readonly"]`
			admin.visit("/admin/access")
			admin.run(
				chromedp.SendKeys(chromedp.CSS(scope+` input[name=reason]`), "security review"),
				chromedp.Click(chromedp.CSS(scope+` form[action$="/suspend"] button`)),
				chromedp.WaitVisible(chromedp.CSS(`.flash`)),
			)
			if got := admin.text(`.flash`); got != "Suspended calendar.readonly for "+email+"." {
				t.Errorf("after the suspension the flash says %q", got)
			}
			if got := admin.text(scope + ` .scope-status`); got != "Suspended" {
				t.Errorf("the access page shows the suspended scope as %q", got)
			}
			admin.check("admin-access")

			member.visit("/dashboard")
			if got := member.text(`#feature-calendars li[data-scope="calendar.readonly"]`); !strings.Contains(got, "Suspended") || !strings.Contains(got, "security review") || strings.Contains(got, "Granted") {
				t.Errorf("the member's dashboard shows the suspended scope as %q", got)
			}
			if got := member.text(`#feature-calendars .state`); got == "Granted" {
				t.Errorf("the calendars card of a suspended scope says Granted")
			}
			member.check("member-dashboard-suspended")

			admin.visit("/admin/access")
			admin.run(
				chromedp.Click(chromedp.CSS(scope+` form[action$="/resume"] button`)),
				chromedp.WaitVisible(chromedp.CSS(`.flash`)),
			)
			if got := admin.text(`.flash`); got != "Resumed calendar.readonly for "+email+"." {
				t.Errorf("after the resumption the flash says %q", got)
			}
			member.visit("/dashboard")
			member.run(
				chromedp.Click(chromedp.CSS(`#feature-calendars a[data-turn-off]`)),
				chromedp.WaitVisible(chromedp.CSS(`#at-google`)),
			)
			member.check("member-turn-off")
			member.run(
				chromedp.Click(chromedp.CSS(`form#turn-off button`)),
				chromedp.WaitVisible(chromedp.CSS(`.flash`)),
			)
			if got := member.text(`.flash`); !strings.HasPrefix(got, "Calendars is off") {
				t.Errorf("after turning calendars off the flash says %q", got)
			}
			if got := member.text(`#feature-calendars .state`); got != "Turned off" {
				t.Errorf("the calendars card says %q after turning it off", got)
			}
			if got := member.text(`#feature-calendars form[action="/dashboard/features/calendars/on"] button`); got != "Turn Calendars on again" {
				t.Errorf("the way back says %q", got)
			}
			member.check("member-dashboard-off")
		})
	}
}
