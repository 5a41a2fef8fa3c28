// Package browser is the one browser-like HTTP client of the tests: it keeps
// cookies, follows redirects (or stops at them when asked), reads HTML pages
// with CSS selectors, submits a page's forms with the fields a browser would
// send (the CSRF token among them) and answers the fake Google's consent
// page. Every package's tests use it, so it imports nothing of ours.
package browser

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

// Browser is a person's browser for a test: a cookie jar and an HTTP client.
// Its methods fail the test on a transport error.
type Browser struct {
	t      testing.TB
	client *http.Client
}

// Option changes how a new Browser behaves.
type Option func(*http.Client)

// StopAtRedirects makes the browser return a redirect as it is, so that a
// test can read its status and Location, instead of following it.
func StopAtRedirects() Option {
	return func(c *http.Client) { c.CheckRedirect = stopAtRedirect }
}

func stopAtRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// New returns a fresh browser, with no cookies, that follows redirects.
func New(t testing.TB, opts ...Option) *Browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatalf("making a cookie jar: %v", err)
	}
	// A transport of its own: httptest.Server.Close closes the idle
	// connections of http.DefaultTransport, which would break a request of
	// this browser that had just picked one up, in a test running alongside.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second, Transport: tr}
	for _, o := range opts {
		o(c)
	}
	return &Browser{t: t, client: c}
}

// Client is the browser's HTTP client, for a test that must read a response
// as a stream; it shares the browser's cookies.
func (b *Browser) Client() *http.Client { return b.client }

// Cookies returns the cookies the browser would send to u.
func (b *Browser) Cookies(u *url.URL) []*http.Cookie { return b.client.Jar.Cookies(u) }

// Get loads a page.
func (b *Browser) Get(u string) *Page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		b.t.Fatalf("GET %s: %v", u, err)
	}
	return b.Do(req)
}

// Post sends form as a browser submits a form: URL-encoded in the body.
func (b *Browser) Post(u string, form url.Values) *Page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatalf("POST %s: %v", u, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.Do(req)
}

// Do sends a request with the browser's cookies and reads the whole answer;
// an HTML answer is parsed for Find.
func (b *Browser) Do(req *http.Request) *Page {
	b.t.Helper()
	return b.do(b.client, req)
}

// do sends req with client, which is the browser's own or a copy of it.
func (b *Browser) do(client *http.Client, req *http.Request) *Page {
	b.t.Helper()
	res, err := client.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatalf("%s %s: reading the answer: %v", req.Method, req.URL, err)
	}
	p := &Page{Response: res, Content: string(body)}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		if p.Doc, err = html.Parse(bytes.NewReader(body)); err != nil {
			b.t.Fatalf("%s %s: parsing the page: %v", req.Method, req.URL, err)
		}
	}
	return p
}

// once sends req without following a redirect, whatever the browser does
// otherwise.
func (b *Browser) once(req *http.Request) *Page {
	b.t.Helper()
	c := *b.client
	c.CheckRedirect = stopAtRedirect
	return b.do(&c, req)
}
