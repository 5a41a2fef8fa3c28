package googletest_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/oauth2"
)

// The browser half of the OAuth flow: load the consent page over HTTP,
// parse its form as a browser would, and submit it.

// noRedirect is an HTTP client that stops at redirects, as a test browser.
var noRedirect = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Timeout:       10 * time.Second,
}

// choice is what the test user does on the consent page.
type choice struct {
	account string   // email; the page's preselection (or first) when empty
	untick  []string // scopes to untick
	cancel  bool
}

// consentForm is the consent page as a browser sees it.
type consentForm struct {
	action   string
	hidden   url.Values
	accounts []string // option values
	selected string
	scopes   []string // checkbox values that are ticked and enabled
	fixed    []string // disabled ticked checkboxes
	buttons  []string // action values
	text     string
}

// openConsent loads the consent page of an authorization URL.
func openConsent(t testing.TB, authURL string) consentForm {
	t.Helper()
	resp, err := noRedirect.Get(authURL)
	if err != nil {
		t.Fatalf("GET consent page: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("consent page status = %d", resp.StatusCode)
	}
	doc, err := html.Parse(resp.Body)
	if err != nil {
		t.Fatalf("parsing consent page: %v", err)
	}
	f := consentForm{hidden: url.Values{}}
	var text strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			text.WriteString(n.Data)
		}
		if n.Type == html.ElementNode {
			a := attrs(n)
			switch n.Data {
			case "form":
				f.action = a["action"]
			case "input":
				switch a["type"] {
				case "hidden":
					f.hidden.Add(a["name"], a["value"])
				case "checkbox":
					_, checked := a["checked"]
					_, disabled := a["disabled"]
					if checked && disabled {
						f.fixed = append(f.fixed, a["value"])
					} else if checked {
						f.scopes = append(f.scopes, a["value"])
					}
				}
			case "option":
				f.accounts = append(f.accounts, a["value"])
				if _, ok := a["selected"]; ok {
					f.selected = a["value"]
				}
			case "button":
				f.buttons = append(f.buttons, a["value"])
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	f.text = text.String()
	return f
}

func attrs(n *html.Node) map[string]string {
	m := make(map[string]string)
	for _, a := range n.Attr {
		m[a.Key] = a.Val
	}
	return m
}

// submit answers a consent page and returns the redirect's URL.
func (f *fake) submit(t testing.TB, form consentForm, c choice) *url.URL {
	t.Helper()
	v := url.Values{}
	for k, vs := range form.hidden {
		v[k] = vs
	}
	switch {
	case c.account != "":
		v.Set("account", c.account)
	case form.selected != "":
		v.Set("account", form.selected)
	default:
		v.Set("account", form.accounts[0])
	}
	for _, sc := range form.scopes {
		if !slices.Contains(c.untick, sc) {
			v.Add("scope", sc)
		}
	}
	v.Set("action", "allow")
	if c.cancel {
		v.Set("action", "cancel")
	}
	resp, err := noRedirect.PostForm(f.base+form.action, v)
	if err != nil {
		t.Fatalf("POST consent: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("consent answer status = %d, want 302", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatalf("redirect Location: %v", err)
	}
	return loc
}

// authorize runs the browser part of the flow and returns the redirect.
func (f *fake) authorize(t testing.TB, authURL string, c choice) *url.URL {
	t.Helper()
	return f.submit(t, openConsent(t, authURL), c)
}

// login runs the whole flow for user with every requested scope granted
// and returns the token.
func (f *fake) login(t testing.TB, user string, cfg *oauth2.Config, opts ...oauth2.AuthCodeOption) *oauth2.Token {
	t.Helper()
	verifier := oauth2.GenerateVerifier()
	opts = append(opts, oauth2.S256ChallengeOption(verifier))
	loc := f.authorize(t, cfg.AuthCodeURL("st", opts...), choice{account: user})
	tok, err := cfg.Exchange(context.Background(), loc.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	return tok
}
