package web

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
)

// DefaultMaxBodyBytes bounds a request body when Config.MaxBodyBytes is
// zero: every form ScopeTrail serves fits in a few kilobytes.
const DefaultMaxBodyBytes = 64 << 10

// errBodyTooLarge means a request body is larger than the server reads.
var errBodyTooLarge = errors.New("web: request body too large")

// limitBodies refuses, before anything reads it, a body that says it is
// larger than Config.MaxBodyBytes, and cuts off one that grows past it, so
// that no form or multipart parsing ever holds or spools more (a multipart
// body within the limit stays in memory: no temporary file is written).
func (s *Server) limitBodies(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.ContentLength > s.cfg.MaxBodyBytes {
			return errBodyTooLarge
		}
		req.Body = http.MaxBytesReader(c.Response(), req.Body, s.cfg.MaxBodyBytes)
		return next(c)
	}
}

// readForm parses a POST's form from its body only, never from the query
// string. A body cut off by limitBodies is errBodyTooLarge.
func (s *Server) readForm(req *http.Request) error {
	var err error
	if mt, _, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType)); mt == echo.MIMEMultipartForm {
		// Within the body limit, so in memory: no temporary file.
		err = req.ParseMultipartForm(s.cfg.MaxBodyBytes)
	} else {
		err = req.ParseForm()
	}
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return errBodyTooLarge
	case err != nil:
		return invalidf("The form could not be read. Go back and try again.")
	}
	return nil
}

// fieldLimits bound, in characters, the form fields and query parameters
// that people type or that pages send back; any other field gets
// maxFieldChars.
var fieldLimits = map[string]int{
	"email":    254, // RFC 5321's longest forward path, less its brackets
	"user":     254, // an id or an email
	"reason":   500,
	"q":        200,
	"role":     32,
	"scope":    256,
	"method":   200,
	"purpose":  200,
	"event":    200,
	"outcome":  32,
	"since":    64,
	"until":    64,
	"calendar": 1024,
}

// maxFieldChars bounds the fields fieldLimits does not name.
const maxFieldChars = 4096

// boundFields refuses, with a 400 that names it, a query parameter or form
// field longer than its limit in fieldLimits, before any handler reads it.
func (s *Server) boundFields(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if err := checkFields(req.URL.Query()); err != nil {
			return err
		}
		if req.Method == http.MethodPost {
			if err := s.readForm(req); err != nil {
				return err
			}
			if err := checkFields(req.PostForm); err != nil {
				return err
			}
		}
		return next(c)
	}
}

// checkFields checks every value of vals against its limit, in name order
// so that the error is always about the same field.
func checkFields(vals map[string][]string) error {
	names := make([]string, 0, len(vals))
	for name := range vals {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		limit, ok := fieldLimits[name]
		if !ok {
			limit = maxFieldChars
		}
		for _, v := range vals[name] {
			if n := utf8.RuneCountInString(v); n > limit {
				return invalidf("The field %q is %d characters long; at most %d are accepted. Shorten it and try again.", trimName(name), n, limit)
			}
		}
	}
	return nil
}

// trimName bounds a field name for a message.
func trimName(name string) string {
	if utf8.RuneCountInString(name) <= 40 {
		return name
	}
	return fmt.Sprintf("%.40s…", name)
}
