package web

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// selector is a small subset of CSS for tests: compound selectors made of a
// tag, #id, .class and [attr=value] / [attr] parts, joined by spaces
// (descendant combinator).
type selector [][]func(*html.Node) bool

// compile parses a selector.
func compile(sel string) selector {
	var out selector
	for _, compound := range strings.Fields(sel) {
		var preds []func(*html.Node) bool
		for compound != "" {
			i := strings.IndexAny(compound[1:], "#.[") + 1
			if compound[0] == '[' {
				i = strings.IndexByte(compound, ']') + 1
			}
			if i == 0 {
				i = len(compound)
			}
			part := compound[:i]
			compound = compound[i:]
			switch part[0] {
			case '#':
				preds = append(preds, func(n *html.Node) bool { return attr(n, "id") == part[1:] })
			case '.':
				preds = append(preds, func(n *html.Node) bool { return hasClass(n, part[1:]) })
			case '[':
				name, value, hasValue := strings.Cut(strings.Trim(part, "[]"), "=")
				value = strings.Trim(value, `"'`)
				preds = append(preds, func(n *html.Node) bool {
					for _, a := range n.Attr {
						if a.Key == name && (!hasValue || a.Val == value) {
							return true
						}
					}
					return false
				})
			default:
				preds = append(preds, func(n *html.Node) bool { return n.Data == part })
			}
		}
		out = append(out, preds)
	}
	return out
}

// matchAll returns the nodes under root that match the selector.
func (s selector) matchAll(root *html.Node) []*html.Node {
	nodes := []*html.Node{root}
	for _, preds := range s {
		var next []*html.Node
		seen := map[*html.Node]bool{}
		for _, n := range nodes {
			for d := range n.Descendants() {
				if d.Type == html.ElementNode && !seen[d] && all(preds, d) {
					seen[d] = true
					next = append(next, d)
				}
			}
		}
		nodes = next
	}
	return nodes
}

func all(preds []func(*html.Node) bool, n *html.Node) bool {
	for _, p := range preds {
		if !p(n) {
			return false
		}
	}
	return true
}

// attr returns an attribute's value, or "".
func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	return strings.Contains(" "+attr(n, "class")+" ", " "+class+" ")
}

// text returns a node's text with white space collapsed.
func text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
			b.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// findAll returns the elements of the page matching sel.
func (r *response) findAll(sel string) []*html.Node {
	if r.doc == nil {
		return nil
	}
	return compile(sel).matchAll(r.doc)
}

// find returns the first element matching sel, or nil.
func (r *response) find(sel string) *html.Node {
	if all := r.findAll(sel); len(all) > 0 {
		return all[0]
	}
	return nil
}

// textOf returns the text of the first element matching sel, failing the
// test when there is none.
func (r *response) textOf(t *testing.T, sel string) string {
	t.Helper()
	n := r.find(sel)
	if n == nil {
		t.Fatalf("%s: no element matches %q", r.Request.URL.Path, sel)
	}
	return text(n)
}

func TestSelector(t *testing.T) {
	t.Parallel()
	doc, err := html.Parse(strings.NewReader(`<div id="a" class="x y"><form action="/f"><input name="n" value="v"></form><p class="y">hi <b>there</b></p></div>`))
	if err != nil {
		t.Fatal(err)
	}
	r := &response{doc: doc}
	tests := []struct {
		sel  string
		want int
	}{
		{"div#a", 1},
		{".y", 2},
		{"div.x.y p", 1},
		{`form[action="/f"] input[name=n]`, 1},
		{"input[value]", 1},
		{`form[action="/f"]`, 1},
		{"#a span", 0},
	}
	for _, tt := range tests {
		t.Run(tt.sel, func(t *testing.T) {
			t.Parallel()
			if got := len(r.findAll(tt.sel)); got != tt.want {
				t.Errorf("findAll(%q) found %d, want %d", tt.sel, got, tt.want)
			}
		})
	}
	if got := text(r.find("p.y")); got != "hi there" {
		t.Errorf("text = %q, want %q", got, "hi there")
	}
}
