package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/scopes/audit"
)

// FuzzAuditForm checks the audit page's filter form on any query string:
// the form written back into a link (query) reads as the same form, so
// that paging and exports keep the filters shown; each choice filter
// offers the value the form holds, once, so that the form shows it
// selected; and when audit.ParseFilter accepts it, the filter holds the
// fields the form shows.
func FuzzAuditForm(f *testing.F) {
	for _, q := range []string{
		"user=ana@example.com&scope=drive.readonly&since=24h&raw=1",
		"from=2026-12-01&before=2026-12-02",
		"since=2026-12-01&from=2026-11-01",
		"method=calendar.events.list&method=drive.files.list",
		"outcome=denied&event=deny&purpose=meetings",
		"raw=true", "raw=0", "user=&scope=", "%zz", "", "method=people.people.get&event=gone",
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
		for _, c := range []struct {
			value   string
			choices []string
		}{
			{form.Method, choices(auditMethods, form.Method)}, {form.Event, choices(auditEvents, form.Event)},
			{form.Purpose, choices(auditPurposes, form.Purpose)}, {form.Outcome, choices(audit.Outcomes, form.Outcome)},
		} {
			if n := countOf(c.choices, c.value); c.value != "" && n != 1 {
				t.Fatalf("the choices offer %q %d times: %q", c.value, n, c.choices)
			}
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

// countOf counts the times v is in list.
func countOf(list []string, v string) int {
	n := 0
	for _, s := range list {
		if s == v {
			n++
		}
	}
	return n
}

// FuzzAuditEntrySeq checks the entry page's path on any text: parseSeq
// accepts exactly the positive whole numbers written as entryLink writes
// them, so that each entry has one address.
func FuzzAuditEntrySeq(f *testing.F) {
	for _, s := range []string{"1", "12", "0", "-1", "01", "+1", "1e3", " 1", "9223372036854775807", "9223372036854775808", "", "abc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		seq, ok := parseSeq(s)
		if !ok {
			if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 && strconv.FormatInt(n, 10) == s {
				t.Fatalf("parseSeq refuses %q, the address of entry %d", s, n)
			}
			return
		}
		if seq <= 0 || entryLink(seq) != "/audit/entries/"+s {
			t.Fatalf("parseSeq(%q) = %d, whose link is %s", s, seq, entryLink(seq))
		}
	})
}
