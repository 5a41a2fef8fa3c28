package jobs

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
)

// fuzzSecret is a token the fuzz target writes into a job's error.
const fuzzSecret = "1//0gPLANTED-refresh-token"

// storedCode is what a stored failure code may look like.
var storedCode = regexp.MustCompile(`^[A-Za-z0-9_.]+$`)

// FuzzFailure checks what the Jobs page reads back from any message River
// stored: a code of letters, digits, dots and underscores (or
// googlehttp.CodeUnknown, whose text is never shown), and a detail that is
// valid UTF-8, already redacted and never holds a token that followed
// access_token=, refresh_token=, client_secret=, Bearer or a URL's "?"; and
// that a failedError's message reads back as its code and redacted detail.
func FuzzFailure(f *testing.F) {
	for _, s := range []struct {
		msg  string
		form uint8
	}{
		{"[transient.http_503] Google answered 503 backendError", 0},
		{"JobCancelError: [denied.suspended] ", 0},
		{"[permanent.notFound] Google answered 404: File not found", 1},
		{"panic: runtime error: index out of range", 0},
		{"[bad code] detail", 0},
		{"[transient.network]\nline two", 2},
		{"[x] Post \"https://oauth2.googleapis.com/token?refresh_token=abc\": EOF", 3},
		{"[x] {\"access_token\": \"ya29.abc\", \"refresh_token\": \"1//abc\"}", 4},
		{"[x] \xff\xfe", 0},
	} {
		f.Add(s.msg, s.form)
	}
	f.Fuzz(func(t *testing.T, msg string, form uint8) {
		planted := ""
		switch form % 6 {
		case 1:
			planted = " access_token=" + fuzzSecret
		case 2:
			planted = " Authorization: Bearer " + fuzzSecret
		case 3:
			planted = " https://oauth2.googleapis.com/token?refresh_token=" + fuzzSecret
		case 4:
			planted = ` {"refresh_token": "` + fuzzSecret + `"}`
		case 5:
			planted = " client_secret=" + fuzzSecret
		}
		msg += planted
		code, detail := failure(msg)
		if code == googlehttp.CodeUnknown && detail != "" {
			t.Fatalf("failure(%q): an unknown failure shows %q", msg, detail)
		}
		if !storedCode.MatchString(code) {
			t.Fatalf("failure(%q) = code %q", msg, code)
		}
		if !utf8.ValidString(detail) || googlehttp.Redact(detail) != detail {
			t.Fatalf("failure(%q) = detail %q, not valid UTF-8 or not redacted", msg, detail)
		}
		if planted != "" && strings.Contains(detail, fuzzSecret) {
			t.Fatalf("failure(%q) shows the token: %q", msg, detail)
		}
		if storedCode.MatchString(msg) && !strings.ContainsAny(msg, "[]") {
			e := &failedError{code: msg, detail: planted}
			gotCode, gotDetail := failure(e.Error())
			if gotCode != msg || gotDetail != googlehttp.Redact(strings.TrimSpace(planted)) {
				t.Fatalf("failedError{%q, %q} reads back as %q, %q", msg, planted, gotCode, gotDetail)
			}
		}
	})
}
