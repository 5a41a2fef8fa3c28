package browser

import (
	"net/http"
	"strings"
	"testing"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
)

// Page is an answer the browser has read: the response, its body and, when
// it is HTML, the parsed document.
type Page struct {
	// Response is the answer; its Body is already read and closed, and its
	// Request is the last one sent (the one a redirect led to).
	*http.Response
	// Content is the body as received.
	Content string
	// Doc is the parsed page, nil unless the answer is text/html.
	Doc *html.Node
}

// Location is the redirect target of a redirect the browser stopped at.
func (p *Page) Location() string { return p.Header.Get("Location") }

// FindAll returns the elements of the page matching a CSS selector, in
// document order. A selector that does not parse is a mistake in the test:
// it panics.
func (p *Page) FindAll(sel string) []*html.Node {
	if p.Doc == nil {
		return nil
	}
	return FindAllIn(p.Doc, sel)
}

// Find returns the first element of the page matching a CSS selector, or nil.
func (p *Page) Find(sel string) *html.Node {
	if p.Doc == nil {
		return nil
	}
	return FindIn(p.Doc, sel)
}

// FindAllIn returns the elements below n matching a CSS selector, in
// document order.
func FindAllIn(n *html.Node, sel string) []*html.Node {
	return cascadia.QueryAll(n, cascadia.MustCompile(sel))
}

// FindIn returns the first element below n matching a CSS selector, or nil.
func FindIn(n *html.Node, sel string) *html.Node {
	return cascadia.Query(n, cascadia.MustCompile(sel))
}

// TextOf returns the text of the first element matching sel, failing the
// test when there is none.
func (p *Page) TextOf(t testing.TB, sel string) string {
	t.Helper()
	n := p.Find(sel)
	if n == nil {
		t.Fatalf("%s: no element matches %q:\n%s", p.Request.URL, sel, p.Content)
	}
	return Text(n)
}

// Only returns the text of the one element matching sel, failing the test
// unless there is exactly one.
func (p *Page) Only(t testing.TB, sel string) string {
	t.Helper()
	all := p.FindAll(sel)
	if len(all) != 1 {
		t.Fatalf("%s: %d elements match %q, want 1:\n%s", p.Request.URL, len(all), sel, p.Content)
	}
	return Text(all[0])
}

// CSRFToken returns the CSRF token the page's forms carry, as web renders it:
// a hidden input named csrf_token.
func (p *Page) CSRFToken(t testing.TB) string {
	t.Helper()
	n := p.Find(`input[type=hidden][name=csrf_token]`)
	if n == nil {
		t.Fatalf("%s: no csrf_token field:\n%s", p.Request.URL, p.Content)
	}
	return Attr(n, "value")
}

// Attr returns an attribute's value, or "" when the element has none.
func Attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// has reports whether the element has the attribute, whatever its value.
func has(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// Text returns the text inside a node with white space collapsed, as a
// reader sees it.
func Text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
			b.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}
