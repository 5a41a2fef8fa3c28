package replicatest

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
)

// pageTries bounds how often a person reloads a page that calls Google
// live and failed, as a person presses reload during an outage.
const pageTries = 20

// Person is someone using ScopeTrail with a browser, through whichever
// replica the load balancer sends them to. Flows counts the OAuth flows
// they completed, each of which made one code exchange at Google.
type Person struct {
	Email string
	Flows int

	b *browser.Browser
}

// SignIn signs p in through replica r, consenting on Google's page.
func SignIn(t testing.TB, r *Replica, email string) *Person {
	t.Helper()
	p := &Person{Email: email, b: browser.New(t)}
	dash := p.b.Consent(p.b.Submit(p.b.Get(r.Base+"/"), `form[action="/auth/signin"]`, nil), browser.Answer{Account: email})
	if dash.StatusCode != http.StatusOK || dash.Request.URL.Path != "/dashboard" {
		t.Fatalf("%s signing in on %s: %d %s:\n%s", email, r.Name, dash.StatusCode, dash.Request.URL, dash.Content)
	}
	p.Flows++
	return p
}

// Link turns on a feature ("calendars", "recordings", "invite") through
// replica r, granting every scope Google offers.
func (p *Person) Link(t testing.TB, r *Replica, feature string) {
	t.Helper()
	dash := p.b.Get(r.Base + "/dashboard")
	back := p.b.Consent(p.b.Submit(dash, `form[action="/link/`+feature+`"]`, nil), browser.Answer{Account: p.Email})
	if back.StatusCode != http.StatusOK {
		t.Fatalf("%s linking %s on %s: %d %s:\n%s", p.Email, feature, r.Name, back.StatusCode, back.Request.URL, back.Content)
	}
	p.Flows++
}

// LinkAllCalendars links every calendar the calendars page offers, through
// replica r. The page lists the calendars live from Google, so it is
// reloaded while Google fails.
func (p *Person) LinkAllCalendars(t testing.TB, r *Replica) {
	t.Helper()
	cals := p.live(t, r.Base+"/calendars")
	var ids []string
	for _, in := range cals.FindAll(`input[name="calendar"]`) {
		ids = append(ids, browser.Attr(in, "value"))
	}
	if len(ids) == 0 {
		t.Fatalf("%s: the calendars page on %s offers no calendar:\n%s", p.Email, r.Name, cals.Content)
	}
	for try := 1; ; try++ {
		done := p.b.Submit(cals, `form[action="/calendars"]`, url.Values{"calendar": ids})
		if done.StatusCode == http.StatusOK && done.Request.URL.Path == "/meetings" {
			return
		}
		if try == pageTries {
			t.Fatalf("%s linking calendars on %s: %d %s:\n%s", p.Email, r.Name, done.StatusCode, done.Request.URL, done.Content)
		}
		time.Sleep(250 * time.Millisecond)
		cals = p.live(t, r.Base+"/calendars")
	}
}

// live loads a page that calls Google while it answers, reloading it while
// it fails.
func (p *Person) live(t testing.TB, u string) *browser.Page {
	t.Helper()
	for try := 1; ; try++ {
		page := p.b.Get(u)
		if page.StatusCode == http.StatusOK {
			return page
		}
		if try == pageTries {
			t.Fatalf("%s: %s answered %d %d times:\n%s", p.Email, u, page.StatusCode, try, page.Content)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// Revoke revokes a user's access as an admin does, on the user's revoke
// page of replica r.
func (p *Person) Revoke(t testing.TB, r *Replica, userID string) {
	t.Helper()
	confirm := p.b.Get(r.Base + "/admin/users/" + userID + "/revoke")
	done := p.b.Submit(confirm, `form[id="revoke"]`, url.Values{"reason": {"replica test"}})
	if done.StatusCode != http.StatusOK {
		t.Fatalf("revoking %s on %s: %d %s:\n%s", userID, r.Name, done.StatusCode, done.Request.URL, done.Content)
	}
}

// SuspendDrive suspends drive.readonly for a user as an admin does, on the
// access page of replica r.
func (p *Person) SuspendDrive(t testing.TB, r *Replica, userID string) {
	t.Helper()
	access := p.b.Get(r.Base + "/admin/access")
	sel := `tr[id="user-` + userID + `"] li[data-scope="` + "drive.readonly" + `"] form`
	done := p.b.Submit(access, sel, url.Values{"reason": {"replica test"}})
	if done.StatusCode != http.StatusOK || done.Request.URL.Path != "/admin/access" {
		t.Fatalf("suspending drive.readonly of %s on %s: %d %s:\n%s", userID, r.Name, done.StatusCode, done.Request.URL, done.Content)
	}
}
