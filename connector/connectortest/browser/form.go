package browser

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
)

// Submit submits the page's first form matching the CSS selector formSel,
// as pressing its button would: with the form's successful fields (hidden
// inputs such as web's csrf_token, ticked checkboxes, chosen options, text)
// and then set, each of whose keys replaces the form's values of that name
// (a pressed button's name=value goes there too). It sends the form's method
// to its action, resolved against the page's address.
func (b *Browser) Submit(p *Page, formSel string, set url.Values) *Page {
	b.t.Helper()
	return b.Do(b.formRequest(p, formSel, set))
}

// formRequest builds the request that submitting a form sends.
func (b *Browser) formRequest(p *Page, formSel string, set url.Values) *http.Request {
	b.t.Helper()
	form := p.Find(formSel)
	if form == nil || form.Data != "form" {
		b.t.Fatalf("%s has no form matching %q:\n%s", p.Request.URL, formSel, p.Content)
	}
	v := FormValues(form)
	for k, vs := range set {
		v[k] = vs
	}
	target, err := p.Request.URL.Parse(Attr(form, "action"))
	if err != nil {
		b.t.Fatalf("%s: the form's action %q: %v", p.Request.URL, Attr(form, "action"), err)
	}
	if !strings.EqualFold(Attr(form, "method"), http.MethodPost) {
		target.RawQuery = v.Encode()
		req, err := http.NewRequest(http.MethodGet, target.String(), nil)
		if err != nil {
			b.t.Fatalf("GET %s: %v", target, err)
		}
		return req
	}
	req, err := http.NewRequest(http.MethodPost, target.String(), strings.NewReader(v.Encode()))
	if err != nil {
		b.t.Fatalf("POST %s: %v", target, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// controls matches the elements of a form that can carry a value.
var controls = cascadia.MustCompile("input[name], select[name], textarea[name]")

// FormValues returns what a browser sends for a form when no button is
// pressed: every enabled named field's value, checkboxes and radio buttons
// only when ticked, a select's chosen options (its first one when none is
// chosen), no buttons.
func FormValues(form *html.Node) url.Values {
	v := url.Values{}
	for _, n := range cascadia.QueryAll(form, controls) {
		if has(n, "disabled") {
			continue
		}
		name := Attr(n, "name")
		switch n.Data {
		case "textarea":
			v.Add(name, Text(n))
		case "select":
			for _, o := range chosen(n) {
				v.Add(name, optionValue(o))
			}
		default:
			switch strings.ToLower(Attr(n, "type")) {
			case "submit", "button", "reset", "image", "file":
			case "checkbox", "radio":
				if has(n, "checked") {
					v.Add(name, valueOr(n, "on"))
				}
			default:
				v.Add(name, Attr(n, "value"))
			}
		}
	}
	return v
}

var options = cascadia.MustCompile("option")

// chosen returns a select's selected options, or its first option when none
// is selected and it takes one value.
func chosen(sel *html.Node) []*html.Node {
	all := cascadia.QueryAll(sel, options)
	var out []*html.Node
	for _, o := range all {
		if has(o, "selected") {
			out = append(out, o)
		}
	}
	if len(out) == 0 && len(all) > 0 && !has(sel, "multiple") {
		out = all[:1]
	}
	return out
}

// optionValue is an option's value attribute, or its text without one.
func optionValue(o *html.Node) string {
	if has(o, "value") {
		return Attr(o, "value")
	}
	return Text(o)
}

func valueOr(n *html.Node, def string) string {
	if has(n, "value") {
		return Attr(n, "value")
	}
	return def
}
