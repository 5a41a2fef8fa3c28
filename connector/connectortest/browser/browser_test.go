package browser_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
)

// formPage is a page with one form of every kind of field, laid out as web's
// templates lay out theirs: the CSRF token as a hidden input in the form.
const formPage = `<!DOCTYPE html><html><body>
<div id="a" class="x y"><p class="y">hi <b>there</b></p></div>
<form id="f" method="post" action="/submit">
<input type="hidden" name="csrf_token" value="tok-1">
<input name="q" value="typed">
<input type="text" name="off" value="x" disabled>
<input type="checkbox" name="box" value="one" checked>
<input type="checkbox" name="box" value="two">
<input type="checkbox" name="plain" checked>
<select name="pick"><option value="p1">P1</option><option value="p2" selected>P2</option></select>
<select name="first"><option>Only text</option></select>
<textarea name="note">a  note</textarea>
<button type="submit" name="go" value="yes">Go</button>
</form>
<form id="search" action="/find"><input name="q" value="k"></form>
</body></html>`

// newSite serves formPage at /, echoes submissions at /done after a 303,
// and sets a cookie that /done requires.
func newSite(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: "s-1", Path: "/"})
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, formPage)
	})
	mux.HandleFunc("POST /submit", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		http.Redirect(w, r, "/done?"+r.PostForm.Encode(), http.StatusSeeOther)
	})
	mux.HandleFunc("GET /find", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, r.URL.RawQuery)
	})
	mux.HandleFunc("GET /done", func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie("sid"); err != nil || c.Value != "s-1" {
			http.Error(w, "no session cookie", http.StatusForbidden)
			return
		}
		fmt.Fprint(w, r.URL.RawQuery)
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

func TestSubmitSendsWhatABrowserSends(t *testing.T) {
	t.Parallel()
	ts := newSite(t)
	b := browser.New(t)
	home := b.Get(ts.URL + "/")
	if got := home.CSRFToken(t); got != "tok-1" {
		t.Errorf("CSRFToken = %q, want tok-1", got)
	}
	done := b.Submit(home, "form#f", url.Values{"go": {"yes"}, "q": {"replaced"}})
	if done.StatusCode != http.StatusOK || done.Request.URL.Path != "/done" {
		t.Fatalf("after submitting: %d %s: %s", done.StatusCode, done.Request.URL, done.Content)
	}
	got, err := url.ParseQuery(done.Content)
	if err != nil {
		t.Fatal(err)
	}
	want := url.Values{"csrf_token": {"tok-1"}, "q": {"replaced"}, "box": {"one"}, "plain": {"on"},
		"pick": {"p2"}, "first": {"Only text"}, "note": {"a note"}, "go": {"yes"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("submitted fields (-want +got):\n%s", diff)
	}
}

func TestSubmitGetForm(t *testing.T) {
	t.Parallel()
	ts := newSite(t)
	b := browser.New(t)
	found := b.Submit(b.Get(ts.URL+"/"), "form#search", nil)
	if found.Request.URL.Path != "/find" || found.Content != "q=k" {
		t.Errorf("GET form went to %s with %q, want /find with q=k", found.Request.URL, found.Content)
	}
}

func TestStopAtRedirects(t *testing.T) {
	t.Parallel()
	ts := newSite(t)
	b := browser.New(t, browser.StopAtRedirects())
	r := b.Post(ts.URL+"/submit", url.Values{"a": {"1"}})
	if r.StatusCode != http.StatusSeeOther || r.Location() != "/done?a=1" {
		t.Errorf("POST /submit = %d to %q, want 303 to /done?a=1", r.StatusCode, r.Location())
	}
	if fresh := browser.New(t).Get(ts.URL + "/done"); fresh.StatusCode != http.StatusForbidden {
		t.Errorf("a browser without the cookie got %d, want 403", fresh.StatusCode)
	}
}

func TestFind(t *testing.T) {
	t.Parallel()
	ts := newSite(t)
	p := browser.New(t).Get(ts.URL + "/")
	tests := []struct {
		sel  string
		want int
	}{
		{"div#a", 1},
		{".y", 2},
		{"div.x.y p", 1},
		{`form[action="/submit"] input[name=q]`, 1},
		{"input[value]", 6},
		{`form[action="/submit"]`, 1},
		{"#a span", 0},
		{"form > select", 2},
	}
	for _, tt := range tests {
		t.Run(tt.sel, func(t *testing.T) {
			t.Parallel()
			if got := len(p.FindAll(tt.sel)); got != tt.want {
				t.Errorf("FindAll(%q) found %d, want %d", tt.sel, got, tt.want)
			}
		})
	}
	if got := p.TextOf(t, "p.y"); got != "hi there" {
		t.Errorf("TextOf = %q, want %q", got, "hi there")
	}
	if got := p.Only(t, "#a"); got != "hi there" {
		t.Errorf("Only = %q, want %q", got, "hi there")
	}
	if got := browser.Attr(p.Find("select option[selected]"), "value"); got != "p2" {
		t.Errorf("Attr = %q, want p2", got)
	}
	if text := browser.New(t).Get(ts.URL + "/find?x=1"); text.Doc != nil || text.Find("p") != nil {
		t.Error("a plain-text answer was parsed as HTML")
	}
}
