package googleauth

import (
	"errors"
	"net/url"
	"testing"
)

// FuzzCheckRedirect feeds checkRedirect arbitrary redirect queries: it never
// panics, and a query it lets through has one code of printable ASCII within
// the bound, or an error parameter; and refused() only ever names codes
// that are plain tokens.
func FuzzCheckRedirect(f *testing.F) {
	for _, seed := range []string{
		"state=s&code=4/0Aabc", "state=s", "state=s&code=", "state=s&code=a&code=b", "state=a&state=b&code=c",
		"state=s&error=access_denied", "state=s&error=server_error&error_description=%3Cb%3E", "error=%00",
		"state=s&code=%7F", "state=s&code=" + string(make([]byte, 3000)), "%zz",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, _ := url.ParseQuery(raw)
		err := checkRedirect(q)
		if err != nil {
			if !errors.Is(err, ErrBadCallback) {
				t.Fatalf("checkRedirect(%q) = %v, not ErrBadCallback", raw, err)
			}
			return
		}
		for _, k := range singleParams {
			if len(q[k]) > 1 {
				t.Fatalf("checkRedirect(%q) let %s through twice", raw, k)
			}
		}
		if !q.Has("error") {
			code := q.Get("code")
			if code == "" || len(code) > maxCodeLen {
				t.Fatalf("checkRedirect(%q) let a code of %d bytes through", raw, len(code))
			}
			for _, c := range []byte(code) {
				if c < 0x20 || c > 0x7e {
					t.Fatalf("checkRedirect(%q) let byte %#x through", raw, c)
				}
			}
		}
		if e := q.Get("error"); errorCode.MatchString(e) {
			for _, c := range []byte(e) {
				if c == '<' || c == '>' || c == '"' || c == '&' || c == ' ' {
					t.Fatalf("error code %q passes as a token", e)
				}
			}
		}
	})
}
