package audit_test

import (
	"errors"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/scopes/audit"
)

// FuzzParseFilter checks ParseFilter on any query, as the audit page and
// `scopetrail audit` pass it: a refusal is a *FilterError naming one of
// FilterFields; an accepted filter has a known outcome and since before
// until, and written back as a query (times in RFC 3339) it parses to the
// same filter, so that links and exports keep exactly the filter shown.
func FuzzParseFilter(f *testing.F) {
	for _, q := range []string{
		"user=ana@example.com&scope=drive.readonly&since=24h",
		"scope=https://www.googleapis.com/auth/calendar.readonly&method=calendar.events.list&outcome=denied",
		"scope=https://www.googleapis.com/auth/future.scope&event=authorize&purpose=meetings",
		"since=2026-12-03&until=2026-12-04T09:30",
		"since=2026-12-03T09:00:00%2B02:00&until=2026-12-03T08:00:00Z",
		"since=2026-12-04&until=2026-12-03",
		"since=-5h", "since=0s", "since=9999999h", "until=yesterday",
		"raw=1", "raw=true", "raw=yes",
		"user=%00", "method=a%20b", "outcome=OK",
		"user=" + url.QueryEscape(string(make([]byte, 201))),
		"",
	} {
		f.Add(q)
	}
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		flt, err := audit.ParseFilter(q, now)
		if err != nil {
			var fe *audit.FilterError
			if !errors.As(err, &fe) || !slices.Contains(audit.FilterFields, fe.Field) {
				t.Fatalf("ParseFilter(%q) = %v, want a *FilterError naming a filter field", raw, err)
			}
			return
		}
		if flt.Outcome != "" && !slices.Contains(audit.Outcomes, flt.Outcome) {
			t.Fatalf("ParseFilter(%q) accepted outcome %q", raw, flt.Outcome)
		}
		if !flt.Since.IsZero() && !flt.Until.IsZero() && !flt.Since.Before(flt.Until) {
			t.Fatalf("ParseFilter(%q): since %v is not before until %v", raw, flt.Since, flt.Until)
		}
		back := url.Values{}
		for name, v := range map[string]string{"user": flt.UserID, "scope": flt.Scope, "method": flt.Method,
			"purpose": flt.Purpose, "event": string(flt.Event), "outcome": string(flt.Outcome)} {
			if v != "" {
				back.Set(name, v)
			}
		}
		if !flt.Since.IsZero() {
			back.Set("since", flt.Since.Format(time.RFC3339Nano))
		}
		if !flt.Until.IsZero() {
			back.Set("until", flt.Until.Format(time.RFC3339Nano))
		}
		if flt.Raw {
			back.Set("raw", strconv.FormatBool(flt.Raw))
		}
		again, err := audit.ParseFilter(back, now.Add(time.Hour))
		if err != nil {
			t.Fatalf("ParseFilter(%q) = %+v, which written back as %q is refused: %v", raw, flt, back.Encode(), err)
		}
		if diff := cmp.Diff(flt, again); diff != "" {
			t.Fatalf("ParseFilter(%q) written back as %q reads differently (-first +again):\n%s", raw, back.Encode(), diff)
		}
	})
}
