package connectortest

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// The browser half of the OAuth flow: load the fake's consent page over
// HTTP, read its form as a browser would, and submit it.

// Browser is an HTTP client that stops at redirects, as a test browser.
var Browser = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Timeout:       10 * time.Second,
}

// Answer is what the test user does on the consent page.
type Answer struct {
	// Account is the email to choose; the page's preselection (or its first
	// account) when empty.
	Account string
	// Untick are scopes to untick.
	Untick []string
	// Cancel presses Cancel instead of Allow.
	Cancel bool
}

// ConsentPage is the consent page as a browser sees it.
type ConsentPage struct {
	// URL is where the page was loaded from.
	URL *url.URL
	// Action is the form's action, as written in the page.
	Action   string
	Hidden   url.Values
	Accounts []string // the options' values
	Selected string   // the preselected option
	Scopes   []string // checkboxes that are ticked and enabled
	Fixed    []string // checkboxes that are ticked and disabled
	Buttons  []string // the buttons' values
}

// Consent opens authURL, answers the consent page and returns the URL it
// redirects to, without following it.
func Consent(t testing.TB, authURL string, a Answer) *url.URL {
	t.Helper()
	return OpenConsent(t, authURL).Submit(t, a)
}

// OpenConsent loads the consent page of an authorization URL.
func OpenConsent(t testing.TB, authURL string) *ConsentPage {
	t.Helper()
	u, err := url.Parse(authURL)
	if err != nil {
		t.Fatalf("parsing the auth URL: %v", err)
	}
	resp, err := Browser.Get(authURL)
	if err != nil {
		t.Fatalf("opening the consent page: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("consent page status = %d", resp.StatusCode)
	}
	doc, err := html.Parse(resp.Body)
	if err != nil {
		t.Fatalf("parsing the consent page: %v", err)
	}
	p := &ConsentPage{URL: u, Hidden: url.Values{}}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			p.read(n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return p
}

// read adds what an element of the page holds.
func (p *ConsentPage) read(n *html.Node) {
	a := make(map[string]string)
	for _, at := range n.Attr {
		a[strings.ToLower(at.Key)] = at.Val
	}
	_, disabled := a["disabled"]
	switch n.Data {
	case "form":
		p.Action = a["action"]
	case "input":
		_, checked := a["checked"]
		switch {
		case a["type"] == "hidden" && !disabled:
			p.Hidden.Add(a["name"], a["value"])
		case a["type"] == "checkbox" && checked && disabled:
			p.Fixed = append(p.Fixed, a["value"])
		case a["type"] == "checkbox" && checked:
			p.Scopes = append(p.Scopes, a["value"])
		}
	case "option":
		p.Accounts = append(p.Accounts, a["value"])
		if _, ok := a["selected"]; ok {
			p.Selected = a["value"]
		}
	case "button":
		p.Buttons = append(p.Buttons, a["value"])
	}
}

// Submit answers the consent page and returns the URL it redirects to,
// without following it.
func (p *ConsentPage) Submit(t testing.TB, a Answer) *url.URL {
	t.Helper()
	v := url.Values{}
	for k, vs := range p.Hidden {
		v[k] = slices.Clone(vs)
	}
	switch {
	case a.Account != "":
		v.Set("account", a.Account)
	case p.Selected != "":
		v.Set("account", p.Selected)
	case len(p.Accounts) > 0:
		v.Set("account", p.Accounts[0])
	}
	for _, sc := range p.Scopes {
		if !slices.Contains(a.Untick, sc) {
			v.Add("scope", sc)
		}
	}
	v.Set("action", "allow")
	if a.Cancel {
		v.Set("action", "cancel")
	}
	action, err := p.URL.Parse(p.Action)
	if err != nil {
		t.Fatalf("parsing the form action %q: %v", p.Action, err)
	}
	resp, err := Browser.PostForm(action.String(), v)
	if err != nil {
		t.Fatalf("submitting the consent form: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("consent answer status = %d, want 302", resp.StatusCode)
	}
	loc, err := resp.Location()
	if err != nil {
		t.Fatalf("consent answer: redirect Location: %v", err)
	}
	return loc
}
