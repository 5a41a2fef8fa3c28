package scopes

import (
	"net/url"
	"slices"
	"strings"
)

//go:generate go run ./internal/gendiscovery -o methods_gen.go

// Method is one Google API method, as described by its discovery document.
type Method struct {
	// ID is Google's method id, such as "calendar.events.list".
	ID string
	// API is the API name, such as "calendar".
	API string
	// RootURL and ServicePath together form the API's default base URL.
	RootURL     string
	ServicePath string
	// HTTPMethod is the request method, such as "GET".
	HTTPMethod string
	// Path is the path template below the base URL, with one {name} per
	// path segment parameter, such as "calendars/{calendarId}/events".
	Path string
	// Scopes are the OAuth scopes, any one of which allows the method.
	Scopes []string
	// MediaDownload reports whether the method serves alt=media downloads.
	MediaDownload bool
}

// BaseURL returns the method's default base URL, such as
// "https://www.googleapis.com/calendar/v3/".
func (m Method) BaseURL() string { return m.RootURL + m.ServicePath }

// Allows reports whether scope allows the method.
func (m Method) Allows(scope string) bool { return slices.Contains(m.Scopes, scope) }

// MethodByID returns the method with a discovery id.
func MethodByID(id string) (Method, bool) {
	i, ok := methodIndex[id]
	if !ok {
		return Method{}, false
	}
	return methods[i], true
}

// Methods returns every known method.
func Methods() []Method { return slices.Clone(methods) }

// APIs returns the names of the APIs in the table, such as "calendar".
func APIs() []string {
	var out []string
	for _, m := range methods {
		if !slices.Contains(out, m.API) {
			out = append(out, m.API)
		}
	}
	return out
}

// DefaultBaseURL returns an API's base URL at Google.
func DefaultBaseURL(api string) string {
	for _, m := range methods {
		if m.API == api {
			return m.BaseURL()
		}
	}
	return ""
}

// Match finds the method that serves a request for api, where rel is the
// request path below the API's base URL, without a leading slash (for
// Calendar, "calendars/primary/events"). A path with literal segments beats
// one with parameters where both match.
func Match(api, httpMethod, rel string) (Method, bool) {
	rel = strings.TrimPrefix(rel, "/")
	segs := strings.Split(rel, "/")
	best, bestScore := -1, -1
	for i, m := range methods {
		if m.API != api || m.HTTPMethod != httpMethod {
			continue
		}
		if score, ok := matchPath(m.Path, segs); ok && score > bestScore {
			best, bestScore = i, score
		}
	}
	if best < 0 {
		return Method{}, false
	}
	return methods[best], true
}

// MatchURL finds the method for a request URL, given the base URL of each
// API (a map from API name to base URL, as produced by DefaultBaseURL or by
// configuration).
func MatchURL(bases map[string]string, httpMethod string, u *url.URL) (Method, bool) {
	for api, base := range bases {
		b, err := url.Parse(base)
		if err != nil || !strings.EqualFold(b.Host, u.Host) {
			continue
		}
		rel, ok := strings.CutPrefix(u.EscapedPath(), b.EscapedPath())
		if !ok {
			continue
		}
		if m, ok := Match(api, httpMethod, rel); ok {
			return m, true
		}
	}
	return Method{}, false
}

// matchPath matches path segments against a template and returns how many
// literal characters matched, so that the most specific template wins.
func matchPath(tmpl string, segs []string) (int, bool) {
	tsegs := strings.Split(tmpl, "/")
	if len(tsegs) != len(segs) {
		return 0, false
	}
	score := 0
	for i, t := range tsegs {
		s := segs[i]
		open := strings.IndexByte(t, '{')
		if open < 0 {
			if t != s {
				return 0, false
			}
			score += len(t)
			continue
		}
		end := strings.IndexByte(t, '}')
		prefix, suffix := t[:open], t[end+1:]
		if !strings.HasPrefix(s, prefix) || !strings.HasSuffix(s, suffix) || len(s) <= len(prefix)+len(suffix) {
			return 0, false
		}
		param := s[len(prefix) : len(s)-len(suffix)]
		if suffix == "" && strings.Contains(param, ":") {
			// A custom verb ("people/me:foo") never matches a bare parameter.
			return 0, false
		}
		if dotSegment(param) {
			// "calendars/../events" is another method once a server
			// resolves the dot segment (RFC 3986 §5.2.4).
			return 0, false
		}
		score += len(prefix) + len(suffix)
	}
	return score, true
}

// dotSegment reports whether an escaped path segment is "." or "..",
// percent-encoded or not.
func dotSegment(seg string) bool {
	if un, err := url.PathUnescape(seg); err == nil {
		seg = un
	}
	return seg == "." || seg == ".."
}
