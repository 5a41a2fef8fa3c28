package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/scopes/audit"
)

// FuzzAuditForm checks the audit page's filter form on any query string:
// the form written back into a link (query) reads as the same form, so
// that paging and exports keep the filters shown; and when audit.ParseFilter
// accepts it, the filter holds the fields the form shows.
func FuzzAuditForm(f *testing.F) {
	for _, q := range []string{
		"user=ana@example.com&scope=drive.readonly&since=24h&raw=1",
		"from=2026-12-01&before=2026-12-02",
		"since=2026-12-01&from=2026-11-01",
		"method=calendar.events.list&method=drive.files.list",
		"outcome=denied&event=deny&purpose=meetings",
		"raw=true", "raw=0", "user=&scope=", "%zz", "",
	} {
		f.Add(q)
	}
	e := echo.New()
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	read := func(rawQuery string) auditForm {
		req := httptest.NewRequest(http.MethodGet, "/audit", nil)
		req.URL.RawQuery = rawQuery
		return readAuditForm(e.NewContext(req, httptest.NewRecorder()))
	}
	f.Fuzz(func(t *testing.T, rawQuery string) {
		form := read(rawQuery)
		link := form.query().Encode()
		if again := read(link); again != form {
			t.Fatalf("the form of %q is %+v, but its link %q reads as %+v", rawQuery, form, link, again)
		}
		if _, err := url.ParseQuery(link); err != nil {
			t.Fatalf("the link %q does not parse: %v", link, err)
		}
		flt, err := audit.ParseFilter(form.query(), now)
		if err != nil {
			return
		}
		if flt.UserID != form.User || flt.Method != form.Method || flt.Purpose != form.Purpose ||
			string(flt.Event) != form.Event || string(flt.Outcome) != form.Outcome || flt.Raw != form.Raw {
			t.Fatalf("the form %+v filters as %+v", form, flt)
		}
		if (form.Scope == "") != (flt.Scope == "") || (form.Since == "") != flt.Since.IsZero() || (form.Until == "") != flt.Until.IsZero() {
			t.Fatalf("the form %+v filters as %+v", form, flt)
		}
	})
}
