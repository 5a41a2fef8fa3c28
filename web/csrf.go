package web

import (
	"crypto/subtle"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"
)

// csrfField is the name of the hidden form field that carries the token, and
// csrfHeader the header a script would use instead.
const (
	csrfField  = "csrf_token"
	csrfHeader = "X-CSRF-Token"
)

// errCSRF means a state-changing request did not carry the session's token.
var errCSRF = errors.New("web: missing or wrong CSRF token")

// csrf protects every state-changing request with a synchroniser token kept
// in the (signed, encrypted) session cookie. Forms carry it in csrf_token,
// scripts in the X-CSRF-Token header; a token in the query string counts
// for nothing.
// Requests that a browser marks as cross-site are refused outright.
func (s *Server) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		sess := sessionOf(c)
		token := sess.get(keyCSRF)
		if token == "" {
			token = randomToken()
			sess.set(keyCSRF, token)
		}
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		if c.Request().Header.Get("Sec-Fetch-Site") == "cross-site" {
			return errCSRF
		}
		// From the header or the posted form, never from the query string,
		// where it would reach logs, history and Referer headers.
		got := c.Request().Header.Get(csrfHeader)
		if got == "" {
			if err := s.readForm(c.Request()); err != nil {
				return err
			}
			got = c.Request().PostForm.Get(csrfField)
		}
		if subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
			return errCSRF
		}
		return next(c)
	}
}

// renewCSRF replaces the token when who is signed in changes, so that a token
// seen before sign-in is worthless after it.
func renewCSRF(sess *browserSession) {
	sess.set(keyCSRF, randomToken())
}
