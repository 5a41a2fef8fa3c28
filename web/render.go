package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/identity"
)

var (
	//go:embed templates
	templateFS embed.FS
	//go:embed static
	staticFS embed.FS
)

// pageNames are the pages, each templates/NAME.html, rendered inside
// templates/layout.html.
var pageNames = []string{"home", "dashboard", "users", "denied", "refused", "admission", "error", "jobs", "calendars", "meetings", "meetings_meeting", "directory", "invitations", "invitations_welcome", "recordings", "recording", "transcripts", "audit", "audit_entry", "audit_chain", "report", "revoke", "revoke_done", "suspend", "turnoff"}

// partialGlob names the templates every page may call, such as a scope's
// status badge: templates/partials/*.html.
const partialGlob = "templates/partials/*.html"

// views holds one parsed template set per page.
type views struct {
	pages map[string]*template.Template
}

// templateFuncs are the helpers templates may call.
var templateFuncs = template.FuncMap{
	// pathEscape makes an id one segment of a URL path, such as
	// /recordings/{{pathEscape .FileID}}.
	"pathEscape": url.PathEscape,
	// short turns a scope string, or a space-separated list of them, into
	// the names people use: "drive.readonly" for the full URL.
	"short": func(list string) string {
		fields := strings.Fields(list)
		for i, f := range fields {
			if s, ok := scopes.Lookup(f); ok {
				fields[i] = s.Short
			}
		}
		return strings.Join(fields, " ")
	},
}

// parseViews parses every page with the layout.
func parseViews() (*views, error) {
	v := &views{pages: make(map[string]*template.Template, len(pageNames))}
	for _, name := range pageNames {
		t, err := template.New("layout.html").Funcs(templateFuncs).
			ParseFS(templateFS, "templates/layout.html", partialGlob, "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("parsing template %s: %w", name, err)
		}
		v.pages[name] = t
	}
	return v, nil
}

// layout is what every page gets: the signed-in user (nil when nobody is),
// the CSRF token for its forms, the flash message set by the request that
// led here, and the page's own data.
type layout struct {
	User  *identity.User
	CSRF  string
	Flash *flash
	Page  any
}

// IsAdmin reports whether the signed-in user is an admin.
func (l layout) IsAdmin() bool { return l.User != nil && l.User.Role == identity.RoleAdmin }

// render writes a page. It renders into a buffer first, so a template error
// becomes a clean 500 instead of half a page, and so that bidirectional
// control characters from data are neutralised (neutraliseBidi).
func (s *Server) render(c echo.Context, status int, name string, page any) error {
	t, ok := s.views.pages[name]
	if !ok {
		return fmt.Errorf("rendering: no page %q", name)
	}
	data := layout{Page: page, Flash: takeFlash(c)}
	if u, ok := c.Get(ctxUser).(identity.User); ok {
		data.User = &u
	}
	if sess, ok := c.Get(ctxSession).(*browserSession); ok {
		data.CSRF = sess.get(keyCSRF)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return fmt.Errorf("rendering %s: %w", name, err)
	}
	return c.HTMLBlob(status, neutraliseBidi(buf.Bytes()))
}
