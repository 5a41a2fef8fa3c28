package googleauth_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// answer is how the test user answers Google's consent page.
type answer struct {
	account string   // email to choose
	untick  []string // scopes to untick
	cancel  bool     // press Cancel instead of Allow
}

// consent opens authURL like a browser, answers the consent page, and
// returns the query of the redirect back to the app, without following it.
func consent(t *testing.T, authURL string, a answer) url.Values {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(authURL)
	if err != nil {
		t.Fatalf("opening the consent page: %v", err)
	}
	doc, err := html.Parse(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("consent page: status %d, parse error %v", resp.StatusCode, err)
	}
	form := find(doc, func(n *html.Node) bool { return n.Data == "form" })
	if form == nil {
		t.Fatalf("the consent page has no form")
	}
	values := url.Values{"account": {a.account}, "action": {"allow"}}
	if a.cancel {
		values.Set("action", "cancel")
	}
	walk(form, func(n *html.Node) {
		if n.Type != html.ElementNode || n.Data != "input" || hasAttr(n, "disabled") {
			return
		}
		name, value := attr(n, "name"), attr(n, "value")
		switch attr(n, "type") {
		case "hidden":
			values.Add(name, value)
		case "checkbox":
			if hasAttr(n, "checked") && !slices.Contains(a.untick, value) {
				values.Add(name, value)
			}
		}
	})
	action, err := url.Parse(authURL)
	if err != nil {
		t.Fatalf("parsing the auth URL: %v", err)
	}
	action, err = action.Parse(attr(form, "action"))
	if err != nil {
		t.Fatalf("parsing the form action: %v", err)
	}
	resp, err = client.PostForm(action.String(), values)
	if err != nil {
		t.Fatalf("submitting the consent form: %v", err)
	}
	resp.Body.Close()
	loc, err := resp.Location()
	if err != nil {
		t.Fatalf("consent answer: status %d without a redirect: %v", resp.StatusCode, err)
	}
	return loc.Query()
}

// find returns the first element node for which match is true.
func find(n *html.Node, match func(*html.Node) bool) *html.Node {
	var found *html.Node
	walk(n, func(c *html.Node) {
		if found == nil && c.Type == html.ElementNode && match(c) {
			found = c
		}
	})
	return found
}

func walk(n *html.Node, fn func(*html.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	return slices.ContainsFunc(n.Attr, func(a html.Attribute) bool { return strings.EqualFold(a.Key, key) })
}
