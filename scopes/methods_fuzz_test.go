package scopes_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/scopetrail/scopetrail/scopes"
)

// fuzzBases are the APIs' base URLs at Google and as a stand-in serves
// them, on one host.
var fuzzBases = []map[string]string{
	{"people": scopes.DefaultBaseURL("people"), "calendar": scopes.DefaultBaseURL("calendar"), "drive": scopes.DefaultBaseURL("drive")},
	{"people": "http://127.0.0.1:8081/people/", "calendar": "http://127.0.0.1:8081/calendar/v3/", "drive": "http://127.0.0.1:8081/drive/v3/"},
}

// FuzzMatchURL checks MatchURL on any request URL: a match is a method of
// the request's HTTP method, of an API whose base URL has the request's
// host and starts its path, whose path template has the request's
// segments, literal for literal; no parameter is empty or a dot segment
// ("." or "..", which a server could resolve to another method); and the
// answer is the one Match gives for the path below the base.
func FuzzMatchURL(f *testing.F) {
	for _, s := range []struct {
		method, url string
		base        uint8
	}{
		{"GET", "https://people.googleapis.com/v1/people:listDirectoryPeople?readMask=names", 0},
		{"GET", "https://people.googleapis.com/v1/people:searchDirectoryPeople", 0},
		{"GET", "https://www.googleapis.com/calendar/v3/calendars/primary/events", 0},
		{"GET", "https://www.googleapis.com/calendar/v3/calendars/ada%40example.com/events/e1", 0},
		{"GET", "https://www.googleapis.com/calendar/v3/users/me/calendarList", 0},
		{"POST", "https://www.googleapis.com/calendar/v3/calendars/primary/events/watch", 0},
		{"GET", "https://www.googleapis.com/drive/v3/files/abc?alt=media", 0},
		{"GET", "https://www.googleapis.com/drive/v3/files/abc/export?mimeType=text/plain", 0},
		{"GET", "https://www.googleapis.com/drive/v3/changes/startPageToken", 0},
		{"GET", "https://www.googleapis.com/calendar/v3/calendars/../events", 0},
		{"GET", "https://www.googleapis.com/calendar/v3/calendars/%2e%2E/events", 0},
		{"GET", "https://www.googleapis.com/drive/v3/files/./export", 0},
		{"GET", "https://WWW.GOOGLEAPIS.COM/drive/v3/files", 0},
		{"GET", "https://www.googleapis.com/drive/v3//files", 0},
		{"get", "https://www.googleapis.com/drive/v3/files", 0},
		{"GET", "http://127.0.0.1:8081/drive/v3/files/x%2Fy", 1},
		{"GET", "http://127.0.0.1:8081/people/v1/people/me:foo", 1},
		{"DELETE", "http://127.0.0.1:8081/calendar/v3/calendars/primary/events/e1", 1},
	} {
		f.Add(s.method, s.url, s.base)
	}
	f.Fuzz(func(t *testing.T, method, raw string, base uint8) {
		u, err := url.Parse(raw)
		if err != nil {
			return
		}
		bases := fuzzBases[int(base)%len(fuzzBases)]
		m, ok := scopes.MatchURL(bases, method, u)
		if !ok {
			return
		}
		if m.HTTPMethod != method {
			t.Fatalf("%s %s matched %s, a %s method", method, raw, m.ID, m.HTTPMethod)
		}
		b, err := url.Parse(bases[m.API])
		if err != nil || !strings.EqualFold(b.Host, u.Host) {
			t.Fatalf("%s %s matched %s of API %s, whose base %s is on another host", method, raw, m.ID, m.API, bases[m.API])
		}
		rel, ok := strings.CutPrefix(u.EscapedPath(), b.EscapedPath())
		if !ok {
			t.Fatalf("%s %s matched %s, but its path is not below %s", method, raw, m.ID, bases[m.API])
		}
		if again, ok := scopes.Match(m.API, method, rel); !ok || again.ID != m.ID {
			t.Fatalf("%s %s: MatchURL gives %s, Match(%q) gives %s", method, raw, m.ID, rel, again.ID)
		}
		segs := strings.Split(strings.TrimPrefix(rel, "/"), "/")
		tmpl := strings.Split(m.Path, "/")
		if len(segs) != len(tmpl) {
			t.Fatalf("%s %s matched %s (%s) with %d segments, want %d", method, raw, m.ID, m.Path, len(segs), len(tmpl))
		}
		for i, ts := range tmpl {
			open, end := strings.IndexByte(ts, '{'), strings.IndexByte(ts, '}')
			if open < 0 {
				if segs[i] != ts {
					t.Fatalf("%s %s matched %s: segment %q is not %q", method, raw, m.ID, segs[i], ts)
				}
				continue
			}
			prefix, suffix := ts[:open], ts[end+1:]
			param := strings.TrimSuffix(strings.TrimPrefix(segs[i], prefix), suffix)
			un, err := url.PathUnescape(param)
			if err != nil {
				un = param
			}
			if param == "" || un == "." || un == ".." {
				t.Fatalf("%s %s matched %s with parameter %s = %q", method, raw, m.ID, ts[open:end+1], param)
			}
		}
	})
}
