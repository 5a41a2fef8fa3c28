package web

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"
)

// cookieName names the signed and encrypted browser cookie.
const cookieName = "scopetrail"

// Keys of the values kept in the cookie. The cookie holds no user data: only
// the id of the server-side session, the state of a pending Google request,
// the CSRF token and a one-time notice.
const (
	keySessionID = "sid"
	keyState     = "oauth_state"
	keyCSRF      = "csrf"
	keyNotice    = "notice"
)

// cookieStore reads and writes the browser cookie.
type cookieStore struct {
	store *sessions.CookieStore
}

// newCookieStore builds a store from securecookie key pairs, newest first.
func newCookieStore(keys [][]byte, secure bool, ttl time.Duration) (*cookieStore, error) {
	if len(keys) == 0 || len(keys)%2 != 0 {
		return nil, errors.New("session keys must come in pairs (hash key, block key)")
	}
	for i := 1; i < len(keys); i += 2 {
		if n := len(keys[i]); n != 16 && n != 24 && n != 32 {
			return nil, fmt.Errorf("session block key %d is %d bytes, want 16, 24 or 32", i/2+1, n)
		}
	}
	st := sessions.NewCookieStore(keys...)
	st.Options = &sessions.Options{
		Path:     "/",
		HttpOnly: true,
		Secure:   secure,
		SameSite: http.SameSiteLaxMode,
	}
	st.MaxAge(int(ttl / time.Second))
	return &cookieStore{store: st}, nil
}

// browserSession is the decoded cookie of one request. Changes are written
// back just before the response header goes out.
type browserSession struct {
	raw   *sessions.Session
	dirty bool
}

// get returns a value, or "" when it is not set.
func (b *browserSession) get(key string) string {
	v, _ := b.raw.Values[key].(string)
	return v
}

// set stores a value.
func (b *browserSession) set(key, value string) {
	b.raw.Values[key] = value
	b.dirty = true
}

// del removes a value.
func (b *browserSession) del(key string) {
	if _, ok := b.raw.Values[key]; ok {
		delete(b.raw.Values, key)
		b.dirty = true
	}
}

// take returns a value and removes it.
func (b *browserSession) take(key string) string {
	v := b.get(key)
	b.del(key)
	return v
}

// ctxSession is the echo context key of the request's browserSession.
const ctxSession = "scopetrail.session"

// withSession decodes the cookie. A cookie that no key can read (tampered, or
// written under a retired key) starts a fresh session.
func (s *Server) withSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r, w := c.Request(), c.Response()
		raw, err := s.cookies.store.New(r, cookieName)
		if err != nil {
			s.log.Debug("unreadable session cookie; starting afresh", "err", err)
		}
		b := &browserSession{raw: raw}
		w.Before(func() {
			if !b.dirty {
				return
			}
			if err := s.cookies.store.Save(r, w, raw); err != nil {
				s.log.Error("saving session cookie", "err", err)
			}
		})
		c.Set(ctxSession, b)
		return next(c)
	}
}

// sessionOf returns the request's browser session.
func sessionOf(c echo.Context) *browserSession {
	return c.Get(ctxSession).(*browserSession)
}

// randomToken returns 32 random bytes, base64url encoded.
func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b)
}
