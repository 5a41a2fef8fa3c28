package web

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
)

// multipartBody is a multipart form of n bytes, made as it is read: a
// csrf_token field and one file part of zeros.
type multipartBody struct {
	head, tail string
	n, off     int64
	sent       atomic.Int64 // off, for the test to read while the client sends
}

func newMultipartBody(n int64) *multipartBody {
	head := "--b\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nx\r\n" +
		"--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"big.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n"
	return &multipartBody{head: head, tail: "\r\n--b--\r\n", n: n}
}

func (m *multipartBody) Read(p []byte) (int, error) {
	if m.off >= m.n {
		return 0, io.EOF
	}
	i := 0
	for ; i < len(p) && m.off < m.n; i, m.off = i+1, m.off+1 {
		switch {
		case m.off < int64(len(m.head)):
			p[i] = m.head[m.off]
		case m.off >= m.n-int64(len(m.tail)):
			p[i] = m.tail[m.off-(m.n-int64(len(m.tail)))]
		default:
			p[i] = 0
		}
	}
	m.sent.Store(m.off)
	return i, nil
}

// TestBodyLimitBeforeParsing sends a 300 MB multipart POST to /auth/signin
// without a cookie, once with its length declared and once chunked: it is
// refused with 413 and no multipart temporary file is written.
func TestBodyLimitBeforeParsing(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where mime/multipart spools file parts
	h := newHarness(t)
	for _, chunked := range []bool{false, true} {
		t.Run(fmt.Sprintf("chunked=%v", chunked), func(t *testing.T) {
			const size = 300 << 20
			body := newMultipartBody(size)
			req, err := http.NewRequest(http.MethodPost, h.ts.URL+"/auth/signin", io.Reader(body))
			if err != nil {
				t.Fatal(err)
			}
			req.ContentLength = size
			if chunked {
				req.ContentLength = -1
			}
			req.Header.Set("Content-Type", "multipart/form-data; boundary=b")
			res, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatalf("POST: %v (after sending %d bytes)", err, body.sent.Load())
			}
			page, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("status %d, want 413:\n%s", res.StatusCode, page)
			}
			if !strings.Contains(string(page), "larger than ScopeTrail accepts") {
				t.Errorf("the page does not say why:\n%s", page)
			}
			if body.sent.Load() > 64<<20 {
				t.Errorf("the client sent %d bytes before the refusal", body.sent.Load())
			}
			entries, err := os.ReadDir(tmp)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				t.Errorf("temporary file %s was written", e.Name())
			}
		})
	}
}

// TestBodyLimitAllowsForms checks that a form within the limit, multipart
// or not, still works, and that Config.MaxBodyBytes changes the limit.
func TestBodyLimitAllowsForms(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	padding := strings.Repeat("a", 3000)
	form := url.Values{csrfField: {h.token()}}
	for i := range 15 {
		form.Set(fmt.Sprintf("pad%d", i), padding)
	}
	r := h.do(http.MethodPost, "/auth/signin", form, nil)
	h.expectStatus(r, http.StatusSeeOther)

	small := newHarness(t, func(c *Config) { c.MaxBodyBytes = 1 << 10 })
	form = url.Values{csrfField: {small.token()}, "pad": {strings.Repeat("a", 2000)}}
	r = small.do(http.MethodPost, "/auth/signin", form, nil)
	small.expectStatus(r, http.StatusRequestEntityTooLarge)
}

// TestCSRFTokenNotFromQuery checks that a token in the query string counts
// for nothing, while the same token in the form or the header works.
func TestCSRFTokenNotFromQuery(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.signIn(bob)
	token := h.token()
	r := h.do(http.MethodPost, "/auth/signout?"+url.Values{csrfField: {token}}.Encode(), url.Values{}, nil)
	h.expectStatus(r, http.StatusForbidden)
	r = h.do(http.MethodPost, "/auth/signout?"+url.Values{csrfField: {token}}.Encode(), nil, nil)
	h.expectStatus(r, http.StatusForbidden)
	if r := h.get("/dashboard"); r.StatusCode != http.StatusOK {
		t.Fatalf("the refused sign-out signed bob out: %d", r.StatusCode)
	}
	r = h.do(http.MethodPost, "/auth/signout", nil, http.Header{"X-Csrf-Token": {token}})
	h.expectStatus(r, http.StatusSeeOther)
}

// TestFieldLengths checks that over-long fields are refused at the edge
// with a 400 that names the field, and that a field at its limit passes.
func TestFieldLengths(t *testing.T) {
	t.Parallel()
	d := newDirectoryHarness(t)
	d.signIn(alice)
	long := strings.Repeat("a", 10000) + "@example.com"
	r := d.post("/admin/invitations", url.Values{"email": {"ada@example.com", long}})
	d.expectStatus(r, http.StatusBadRequest)
	if !strings.Contains(r.Content, `The field &#34;email&#34; is 10012 characters long; at most 254 are accepted.`) {
		t.Errorf("the refusal does not say what is wrong:\n%s", r.Content)
	}
	if strings.Contains(r.Content, long[:300]) {
		t.Error("the refusal echoes the value")
	}
	if got := d.invites.list(); len(got) != 0 {
		t.Errorf("invitations issued despite the refusal: %v", got)
	}
	atLimit := strings.Repeat("a", 254-len("@example.com")) + "@example.com"
	r = d.post("/admin/invitations", url.Values{"email": {atLimit}})
	d.expectStatus(r, http.StatusOK)

	for _, path := range []string{
		"/admin/directory?q=" + strings.Repeat("x", 201),
		"/admin/users?anything=" + strings.Repeat("x", maxFieldChars+1),
	} {
		r := d.get(path)
		d.expectStatus(r, http.StatusBadRequest)
	}
	r = d.post("/admin/users/u-bob/revoke", url.Values{"reason": {strings.Repeat("é", 501)}})
	d.expectStatus(r, http.StatusBadRequest)
	if !strings.Contains(r.Content, "501 characters long; at most 500") {
		t.Errorf("the reason's length is counted in bytes, not characters:\n%s", r.Content)
	}
}
