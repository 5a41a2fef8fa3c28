package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// browser is an HTTP client with cookies that follows redirects, as a
// person's browser would.
type browser struct {
	t      *testing.T
	client *http.Client
}

func newBrowser(t *testing.T) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, client: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

// page is a fetched HTML page.
type page struct {
	url  *url.URL
	code int
	body string
	doc  *html.Node
}

func (b *browser) do(method, u string, form url.Values) *page {
	b.t.Helper()
	var res *http.Response
	var err error
	if method == http.MethodPost {
		res, err = b.client.PostForm(u, form)
	} else {
		res, err = b.client.Get(u)
	}
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, u, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		b.t.Fatal(err)
	}
	return &page{url: res.Request.URL, code: res.StatusCode, body: string(body), doc: doc}
}

// elements returns the elements of a page with a tag whose attributes
// include every key=value of attrs.
func (p *page) elements(tag string, attrs ...string) []*html.Node {
	var out []*html.Node
	for n := range p.doc.Descendants() {
		if n.Type != html.ElementNode || n.Data != tag {
			continue
		}
		ok := true
		for i := 0; i+1 < len(attrs); i += 2 {
			if attrOf(n, attrs[i]) != attrs[i+1] {
				ok = false
			}
		}
		if ok {
			out = append(out, n)
		}
	}
	return out
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// postForm submits the page's form whose action is action, with its hidden
// fields (the CSRF token) and extra values.
func (b *browser) postForm(p *page, action string, extra url.Values) *page {
	b.t.Helper()
	forms := p.elements("form", "action", action)
	if len(forms) == 0 {
		b.t.Fatalf("%s has no form to %s:\n%s", p.url, action, p.body)
	}
	form := url.Values{}
	for n := range forms[0].Descendants() {
		if n.Type == html.ElementNode && n.Data == "input" && attrOf(n, "type") == "hidden" {
			form.Set(attrOf(n, "name"), attrOf(n, "value"))
		}
	}
	for k, v := range extra {
		form[k] = v
	}
	target, err := p.url.Parse(action)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(http.MethodPost, target.String(), form)
}

// consent answers the fake Google's consent page: Allow, as the selected
// (or first) account, ticking only the given scopes among those offered.
func (b *browser) consent(p *page, tick ...string) *page {
	b.t.Helper()
	if !strings.Contains(p.url.Path, "/o/oauth2/") {
		b.t.Fatalf("expected the consent page, got %s:\n%s", p.url, p.body)
	}
	options := p.elements("option")
	if len(options) == 0 {
		b.t.Fatalf("no account on the consent page:\n%s", p.body)
	}
	account := attrOf(options[0], "value")
	for _, o := range options {
		for _, a := range o.Attr {
			if a.Key == "selected" {
				account = attrOf(o, "value")
			}
		}
	}
	return b.postForm(p, "/o/oauth2/consent", url.Values{"account": {account}, "action": {"allow"}, "scope": tick})
}
