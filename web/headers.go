package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// securityHeaders returns the headers sent with every response. The CSP
// allows no inline script or style; form-action admits Google's
// authorization origin because the linking forms redirect there.
func securityHeaders(authOrigin string, https bool) http.Header {
	csp := strings.Join([]string{
		"default-src 'self'",
		"script-src 'self'",
		"style-src 'self'",
		"img-src 'self' data:",
		"object-src 'none'",
		"base-uri 'none'",
		"frame-ancestors 'none'",
		"form-action 'self' " + authOrigin,
	}, "; ")
	h := http.Header{}
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	if https {
		h.Set("Strict-Transport-Security", "max-age=63072000")
	}
	return h
}

// secure adds the security headers to every response.
func (s *Server) secure(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		for k, v := range s.headers {
			h[k] = v
		}
		return next(c)
	}
}

// noStore keeps pages, which depend on who is signed in, out of caches.
func noStore(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "no-store")
		return next(c)
	}
}
