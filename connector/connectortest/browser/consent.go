package browser

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// The fake Google's consent page (connector/googletest/templates/consent.html)
// is one form posted to /o/oauth2/consent: a hidden request id, a select of
// accounts, one checkbox named scope per scope (sign-in scopes ticked and
// disabled), and Cancel and Allow buttons named action.

// consentForm matches the consent page's form.
const consentForm = `form[action="/o/oauth2/consent"]`

// Answer is what the test user does on the consent page.
type Answer struct {
	// Account is the email to choose; the page's preselection (or its first
	// account) when empty.
	Account string
	// Untick are offered scopes to untick; the others stay ticked. Naming a
	// scope the page does not offer fails the test.
	Untick []string
	// Cancel presses Cancel instead of Allow.
	Cancel bool
}

// ConsentPage is the consent page as a browser sees it.
type ConsentPage struct {
	// Page is the loaded page.
	Page *Page
	// Action is the form's action, as written in the page.
	Action string
	// Hidden are the form's hidden fields.
	Hidden url.Values
	// Accounts are the options' values, Selected the preselected one.
	Accounts []string
	Selected string
	// Scopes are the checkboxes that are ticked and enabled, Fixed those
	// ticked and disabled.
	Scopes []string
	Fixed  []string
	// Buttons are the buttons' values.
	Buttons []string

	b *Browser
}

// ReadConsent reads the consent page that p is, failing the test when p is
// another page.
func (b *Browser) ReadConsent(p *Page) *ConsentPage {
	b.t.Helper()
	form := p.Find(consentForm)
	if p.StatusCode != http.StatusOK || !strings.HasPrefix(p.Request.URL.Path, "/o/oauth2/") || form == nil {
		b.t.Fatalf("expected the consent page, got %d %s:\n%s", p.StatusCode, p.Request.URL, p.Content)
	}
	c := &ConsentPage{Page: p, Action: Attr(form, "action"), Hidden: url.Values{}, b: b}
	for _, n := range p.FindAll(consentForm + ` input[type=hidden]`) {
		if !has(n, "disabled") {
			c.Hidden.Add(Attr(n, "name"), Attr(n, "value"))
		}
	}
	for _, n := range p.FindAll(consentForm + ` option`) {
		c.Accounts = append(c.Accounts, Attr(n, "value"))
		if has(n, "selected") {
			c.Selected = Attr(n, "value")
		}
	}
	for _, n := range p.FindAll(consentForm + ` input[type=checkbox][checked]`) {
		if has(n, "disabled") {
			c.Fixed = append(c.Fixed, Attr(n, "value"))
		} else {
			c.Scopes = append(c.Scopes, Attr(n, "value"))
		}
	}
	for _, n := range p.FindAll(consentForm + ` button`) {
		c.Buttons = append(c.Buttons, Attr(n, "value"))
	}
	return c
}

// OpenConsent loads the consent page of an authorization URL.
func (b *Browser) OpenConsent(authURL string) *ConsentPage {
	b.t.Helper()
	return b.ReadConsent(b.Get(authURL))
}

// Consent answers the consent page p and returns where the browser lands
// (with its own redirect policy).
func (b *Browser) Consent(p *Page, a Answer) *Page {
	b.t.Helper()
	return b.ReadConsent(p).Answer(a)
}

// Answer answers the page and returns where the browser lands (with its own
// redirect policy).
func (c *ConsentPage) Answer(a Answer) *Page {
	c.b.t.Helper()
	return c.b.Do(c.request(a))
}

// Submit answers the page and returns the URL Google redirects to, without
// following it, failing the test unless Google redirects.
func (c *ConsentPage) Submit(a Answer) *url.URL {
	c.b.t.Helper()
	p := c.b.once(c.request(a))
	if p.StatusCode != http.StatusFound {
		c.b.t.Fatalf("consent answer status = %d, want 302:\n%s", p.StatusCode, p.Content)
	}
	loc, err := p.Response.Location()
	if err != nil {
		c.b.t.Fatalf("consent answer: redirect Location: %v", err)
	}
	return loc
}

// request is the form submission that answers the page.
func (c *ConsentPage) request(a Answer) *http.Request {
	c.b.t.Helper()
	for _, sc := range a.Untick {
		if !slices.Contains(c.Scopes, sc) {
			c.b.t.Fatalf("the consent page offers no %s to untick; it offers %v", sc, c.Scopes)
		}
	}
	set := url.Values{"action": {"allow"}}
	if a.Cancel {
		set.Set("action", "cancel")
	}
	if a.Account != "" {
		set.Set("account", a.Account)
	}
	var kept []string
	for _, sc := range c.Scopes {
		if !slices.Contains(a.Untick, sc) {
			kept = append(kept, sc)
		}
	}
	set["scope"] = kept
	return c.b.formRequest(c.Page, consentForm, set)
}

// OpenConsent loads the consent page of an authorization URL in a fresh
// browser that stops at redirects.
func OpenConsent(t testing.TB, authURL string) *ConsentPage {
	t.Helper()
	return New(t, StopAtRedirects()).OpenConsent(authURL)
}

// Consent opens authURL in a fresh browser, answers the consent page and
// returns the URL Google redirects to, without following it.
func Consent(t testing.TB, authURL string, a Answer) *url.URL {
	t.Helper()
	return OpenConsent(t, authURL).Submit(a)
}
