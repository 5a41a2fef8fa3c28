package googlehttp

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
)

// call is what the door knows about one request, for its policy decision
// and its audit entries.
type call struct {
	userID, email string
	purpose       scopes.Purpose
	method        scopes.Method
	known         bool
	// api is the API the URL belongs to, even when the method is unknown.
	api string
	// resource names the path parameters, such as "calendarId=primary".
	resource  string
	scope     string
	requestID string
}

// newCall resolves the method of req.
func (d *Door) newCall(req *http.Request, userID string) *call {
	c := &call{userID: userID, purpose: PurposeFrom(req.Context()), requestID: randomID()}
	c.method, c.known = scopes.MatchURL(d.bases, req.Method, req.URL)
	if c.known {
		c.api = c.method.API
		c.resource = pathParams(c.method.Path, d.relPath(c.api, req.URL))
	} else {
		c.api = d.apiOf(req.URL)
		c.resource = req.Method + " " + req.URL.EscapedPath()
	}
	c.email = d.actorEmail(req.Context(), userID)
	return c
}

// entry returns an audit entry for the call.
func (d *Door) entry(c *call, ev audit.Event) audit.Entry {
	return audit.Entry{
		ActorID: c.userID, ActorEmail: c.email, ClientID: d.oauth.ClientID, Event: ev,
		APIName: c.api, MethodName: c.method.ID, Scope: c.scope, Purpose: string(c.purpose),
		Resource: c.resource, RequestID: c.requestID,
	}
}

// apiOf returns the API whose base URL u is under, "" for none.
func (d *Door) apiOf(u *url.URL) string {
	for api := range d.bases {
		if _, ok := d.under(api, u); ok {
			return api
		}
	}
	return ""
}

// relPath returns u's escaped path below the base URL of api.
func (d *Door) relPath(api string, u *url.URL) string {
	rel, _ := d.under(api, u)
	return rel
}

func (d *Door) under(api string, u *url.URL) (string, bool) {
	b, err := url.Parse(d.bases[api])
	if err != nil || !strings.EqualFold(b.Host, u.Host) {
		return "", false
	}
	return strings.CutPrefix(u.EscapedPath(), b.EscapedPath())
}

// pathParams returns the values of a path template's parameters in rel,
// encoded as a query string: "calendarId=primary&eventId=e1".
func pathParams(tmpl, rel string) string {
	segs := strings.Split(strings.TrimPrefix(rel, "/"), "/")
	v := url.Values{}
	for i, t := range strings.Split(strings.TrimPrefix(tmpl, "/"), "/") {
		open, end := strings.IndexByte(t, '{'), strings.IndexByte(t, '}')
		if open < 0 || end < open || i >= len(segs) {
			continue
		}
		s := segs[i]
		prefix, suffix := t[:open], t[end+1:]
		if len(s) < len(prefix)+len(suffix) {
			continue
		}
		val := s[len(prefix) : len(s)-len(suffix)]
		if un, err := url.PathUnescape(val); err == nil {
			val = un
		}
		v.Set(t[open+1:end], val)
	}
	return v.Encode()
}

// actorEmail returns the user's email from Options.ActorEmail, cached, or ""
// when it is not known.
func (d *Door) actorEmail(ctx context.Context, userID string) string {
	if d.emails == nil {
		return ""
	}
	if e, ok := d.emailCache.Load(userID); ok {
		return e.(string)
	}
	e, err := d.emails(ctx, userID)
	if err != nil {
		return ""
	}
	d.emailCache.Store(userID, e)
	return e
}

func randomID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}
