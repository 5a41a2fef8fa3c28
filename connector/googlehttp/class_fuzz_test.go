package googlehttp

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"google.golang.org/api/googleapi"
)

// fuzzCode is what a failure code may look like: a class, then a dot and
// letters, digits and underscores.
var fuzzCode = regexp.MustCompile(`^[a-z_]+(\.[A-Za-z0-9_]+)?$`)

// plantedToken is a token the fuzz target writes into Google's message; it
// must never reach a failure's detail.
const plantedToken = "ya29.PLANTED-secret-token"

// FuzzGoogleError checks what Classify makes of any error answer from
// Google, as google.golang.org/api decodes it: the class follows the status
// it reports
// (429 or a 403 rate limit: rate_limited; 5xx: transient; other 4xx:
// permanent), so that retry.Retryable is true exactly for the first two;
// the code is a class and a word; the wait asked for is never negative nor
// beyond a day; and the detail is valid UTF-8, bounded, already redacted,
// and never holds the token written after access_token=, Bearer, code= or
// in a URL's query.
func FuzzGoogleError(f *testing.F) {
	for _, s := range []struct {
		status                 int
		message, reason, after string
		raw                    string
	}{
		{404, "File not found: abc.", "notFound", "", ""},
		{403, "Rate Limit Exceeded", "userRateLimitExceeded", "", ""},
		{403, "Insufficient Permission", "insufficientPermissions", "", ""},
		{429, "Quota exceeded", "RATE_LIMIT_EXCEEDED", "30", ""},
		{429, "", "", "Wed, 21 Oct 2026 07:28:00 GMT", ""},
		{503, "Backend Error", "backendError", "99999999999999", ""},
		{500, "", "", "-5", ""},
		{400, "Invalid Value https://www.googleapis.com/drive/v3/files?pageToken=abc", "invalid", "", ""},
		{401, "Invalid Credentials", "authError", "", `{"error":{"code":401,"message":"Bearer ya29.x","status":"UNAUTHENTICATED","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"ACCESS_TOKEN_EXPIRED"}]}}`},
		{410, "", "", "", `{"error":"invalid_grant","error_description":"Token has been expired or revoked."}`},
		{502, "", "", "", "<html><body>502 Bad Gateway</body></html>"},
		{400, "", "", "", "\xff\xfe not utf-8"},
	} {
		f.Add(s.status, s.message, s.reason, s.after, []byte(s.raw))
	}
	now := time.Date(2026, 10, 21, 7, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, status int, message, reason, after string, raw []byte) {
		status = 400 + int(uint(status)%200)
		body := raw
		if len(body) == 0 {
			for i, secret := range []string{"access_token=" + plantedToken, "Bearer " + plantedToken, "code=" + plantedToken,
				"https://oauth2.googleapis.com/x?token=" + plantedToken} {
				if len(message)%4 == i {
					message += " " + secret
				}
			}
			b, err := json.Marshal(map[string]any{"error": map[string]any{
				"code": status, "message": message, "errors": []map[string]string{{"reason": reason, "message": message}},
			}})
			if err != nil {
				t.Fatal(err)
			}
			body = b
		}
		res := &http.Response{StatusCode: status, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(body))}
		if after != "" {
			res.Header.Set("Retry-After", after)
		}
		err := googleapi.CheckResponse(res)
		if err == nil {
			t.Fatalf("CheckResponse(%d) = nil", status)
		}
		// google.golang.org/api reports the code of the error body when it
		// has one (Google's is the HTTP status), and the status otherwise:
		// that is the status the classes follow.
		var gerr *googleapi.Error
		if !errors.As(err, &gerr) {
			t.Fatalf("CheckResponse(%d) = %T, want a *googleapi.Error", status, err)
		}
		status = gerr.Code
		fl := classify(err, now)
		fl.Detail = cutRunes(Redact(fl.Detail), MaxDetail)
		if public := Classify(err); public.Class != fl.Class || public.Code != fl.Code {
			t.Fatalf("Classify and classify disagree: %+v, %+v", public, fl)
		}
		switch {
		case status == http.StatusTooManyRequests:
			if fl.Class != ClassRateLimited {
				t.Fatalf("429 classified %s", fl.Class)
			}
		case status >= 500:
			if fl.Class != ClassTransient {
				t.Fatalf("%d classified %s", status, fl.Class)
			}
		case status == http.StatusForbidden:
			if fl.Class != ClassRateLimited && fl.Class != ClassPermanent {
				t.Fatalf("403 classified %s", fl.Class)
			}
		default:
			if fl.Class != ClassPermanent {
				t.Fatalf("%d classified %s", status, fl.Class)
			}
		}
		if !fuzzCode.MatchString(fl.Code) || !strings.HasPrefix(fl.Code, string(fl.Class)) {
			t.Fatalf("code %q for class %s", fl.Code, fl.Class)
		}
		if fl.Status != status {
			t.Fatalf("status %d, want %d", fl.Status, status)
		}
		if fl.RetryAfter < 0 || fl.RetryAfter > maxRetryAfter {
			t.Fatalf("Retry-After %q gives a wait of %v", after, fl.RetryAfter)
		}
		if s, err := strconv.ParseInt(strings.TrimSpace(after), 10, 64); err == nil && s > 0 && s <= int64(maxRetryAfter/time.Second) &&
			fl.RetryAfter != time.Duration(s)*time.Second {
			t.Fatalf("Retry-After %q gives %v", after, fl.RetryAfter)
		}
		if !utf8.ValidString(fl.Detail) || utf8.RuneCountInString(fl.Detail) > MaxDetail+1 {
			t.Fatalf("detail not valid UTF-8 or too long: %q", fl.Detail)
		}
		if Redact(fl.Detail) != fl.Detail {
			t.Fatalf("detail %q is not redacted: %q", fl.Detail, Redact(fl.Detail))
		}
		if strings.Contains(fl.Detail, plantedToken) {
			t.Fatalf("detail shows the token: %q", fl.Detail)
		}
	})
}

// FuzzPathParams checks that the audit's path parameters give back the
// values a client library put into a path, whatever they hold: slashes,
// percent signs, dots or text that is not UTF-8 (never empty: an empty
// parameter matches no method).
func FuzzPathParams(f *testing.F) {
	for _, s := range []struct {
		tmpl, a, b string
	}{
		{"calendars/{calendarId}/events/{eventId}", "primary", "e1"},
		{"calendars/{calendarId}/events/{eventId}", "ada@example.com", "a/b?c#d"},
		{"files/{fileId}", "100%", "x"},
		{"v1/{+resourceName}:listConnections", "people/me", "x"},
		{"v1/{resourceName}", "people/c123", ""},
		{"files/{fileId}/export", "..", "\xff"},
	} {
		f.Add(s.tmpl, s.a, s.b)
	}
	f.Fuzz(func(t *testing.T, tmpl, a, b string) {
		segs := strings.Split(tmpl, "/")
		want := map[string]string{}
		vals := []string{a, b}
		rel := make([]string, len(segs))
		for i, s := range segs {
			open, end := strings.IndexByte(s, '{'), strings.IndexByte(s, '}')
			if open < 0 || end < open {
				rel[i] = s
				continue
			}
			v := vals[len(want)%2]
			if v == "" {
				return // an empty parameter never matches a method (scopes.Match)
			}
			name := s[open+1 : end]
			if _, dup := want[name]; dup || strings.ContainsAny(s[:open]+s[end+1:], "{}%/") || name == "" {
				return // a template shape discovery documents never have
			}
			want[name] = v
			rel[i] = s[:open] + url.PathEscape(v) + s[end+1:]
		}
		got, err := url.ParseQuery(pathParams(tmpl, strings.Join(rel, "/")))
		if err != nil {
			t.Fatalf("pathParams gave a query that does not parse: %v", err)
		}
		for name, v := range want {
			if got.Get(name) != v {
				t.Fatalf("pathParams(%q) gave %s = %q, want %q", tmpl, name, got.Get(name), v)
			}
		}
		if len(got) != len(want) {
			t.Fatalf("pathParams(%q) gave %v, want %v", tmpl, got, want)
		}
	})
}
