package audit

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/scopes"
)

// filterNow is the clock the filter tests read durations against.
var filterNow = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

func TestParseFilter(t *testing.T) {
	t.Parallel()
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, query string
		want        Filter
	}{
		{"nothing", "", Filter{}},
		{"fields as given", "user=u-1&method=drive.files.get&purpose=recordings&event=activity&outcome=pending",
			Filter{UserID: "u-1", Method: "drive.files.get", Purpose: "recordings", Event: EventActivity, Outcome: OutcomePending}},
		{"user by email", "user=bob%2Bops@example.com", Filter{UserID: "bob+ops@example.com"}},
		{"short scope", "scope=drive.readonly", Filter{Scope: scopes.DriveReadonly}},
		{"full scope", "scope=" + url.QueryEscape(scopes.CalendarReadonly), Filter{Scope: scopes.CalendarReadonly}},
		{"a scope this build does not know", "scope=https://www.googleapis.com/auth/gmail.readonly",
			Filter{Scope: "https://www.googleapis.com/auth/gmail.readonly"}},
		{"RFC 3339 with a zone", "since=2026-03-01T10:00:00%2B01:00", Filter{Since: day.Add(9 * time.Hour)}},
		{"datetime-local", "since=2026-03-01T09:00&until=2026-03-01T09:00:30",
			Filter{Since: day.Add(9 * time.Hour), Until: day.Add(9*time.Hour + 30*time.Second)}},
		{"date", "until=2026-03-01", Filter{Until: day}},
		{"duration back from now", "since=36h", Filter{Since: day}},
		{"raw", "raw=1", Filter{Raw: true}},
		{"other keys ignored", "older=12&newer=x", Filter{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseFilter(q, filterNow)
			if err != nil {
				t.Fatalf("ParseFilter(%s): %v", tc.query, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseFilter(%s) (-want +got):\n%s", tc.query, diff)
			}
		})
	}
}

func TestParseFilterRefuses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ query, field string }{
		{"user=%3Cscript%3E", "user"},
		{"method=drive+files", "method"},
		{"event=" + strings.Repeat("a", 201), "event"},
		{"purpose=a%00b", "purpose"},
		{"scope=drive", "scope"},
		{"scope=https://www.googleapis.com/auth/", "scope"},
		{"outcome=maybe", "outcome"},
		{"since=yesterday", "since"},
		{"until=-24h", "until"},
		{"since=2026-03-02&until=2026-03-01", "until"},
		{"since=2026-03-01&until=2026-03-01", "until"},
		{"raw=yes", "raw"},
	} {
		q, _ := url.ParseQuery(tc.query)
		_, err := ParseFilter(q, filterNow)
		var fe *FilterError
		if !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("ParseFilter(%s) = %v; want a FilterError naming %s", tc.query, err, tc.field)
		}
	}
}

func TestResolveUser(t *testing.T) {
	t.Parallel()
	byEmail := func(_ context.Context, email string) (string, error) {
		if email == "bob@example.com" {
			return "u-bob", nil
		}
		return "", errors.New("not found")
	}
	for _, tc := range []struct{ user, want string }{{"", ""}, {"u-ana", "u-ana"}, {"bob@example.com", "u-bob"}} {
		f := Filter{UserID: tc.user}
		if err := f.ResolveUser(context.Background(), byEmail); err != nil || f.UserID != tc.want {
			t.Errorf("ResolveUser(%q) = %q, %v; want %q", tc.user, f.UserID, err, tc.want)
		}
		if wantEmail := map[bool]string{true: tc.user}[strings.Contains(tc.user, "@")]; f.UserEmail != wantEmail {
			t.Errorf("ResolveUser(%q) kept email %q, want %q", tc.user, f.UserEmail, wantEmail)
		}
	}
	f := Filter{UserID: "nobody@example.com"}
	var fe *FilterError
	if err := f.ResolveUser(context.Background(), byEmail); !errors.As(err, &fe) || fe.Field != "user" {
		t.Errorf("ResolveUser of an unknown email: %v; want a FilterError naming user", err)
	}
}

// FuzzParseFilter feeds ParseFilter arbitrary fields: it never panics, an
// error is always a FilterError naming one of FilterFields, and a filter
// it returns keeps its rules: a known or well-formed scope, a listed
// outcome, a time range that starts before it ends, times in UTC.
func FuzzParseFilter(f *testing.F) {
	f.Add("u-1", "drive.readonly", "drive.files.get", "activity", "ok", "2026-03-01T09:00", "24h", "1")
	f.Add("bob@example.com", scopes.CalendarReadonly, "", "", "pending", "2026-03-01T10:00:00+01:00", "2026-03-02", "")
	f.Add("<b>", "drive", "a b", "", "maybe", "yesterday", "-1h", "yes")
	f.Fuzz(func(t *testing.T, user, scope, method, event, outcome, since, until, raw string) {
		q := url.Values{}
		for k, v := range map[string]string{"user": user, "scope": scope, "method": method, "purpose": event,
			"event": event, "outcome": outcome, "since": since, "until": until, "raw": raw} {
			q.Set(k, v)
		}
		got, err := ParseFilter(q, filterNow)
		if err != nil {
			var fe *FilterError
			if !errors.As(err, &fe) || !slices.Contains(FilterFields, fe.Field) || fe.Error() == "" {
				t.Fatalf("error %v is not a FilterError naming a field", err)
			}
			return
		}
		if _, known := scopeByName(scope); scope != "" && !known && (got.Scope != scope || !strings.HasPrefix(scope, scopePrefix)) {
			t.Fatalf("scope %q read as %q", scope, got.Scope)
		}
		if got.Outcome != "" && !slices.Contains(Outcomes, got.Outcome) {
			t.Fatalf("outcome %q accepted", got.Outcome)
		}
		if !got.Since.IsZero() && !got.Until.IsZero() && !got.Since.Before(got.Until) {
			t.Fatalf("since %v not before until %v", got.Since, got.Until)
		}
		for _, tm := range []time.Time{got.Since, got.Until} {
			if tm.Location() != time.UTC {
				t.Fatalf("time %v not in UTC", tm)
			}
		}
		if got.UserID != user || got.Method != method || string(got.Event) != event {
			t.Fatalf("fields changed: %+v", got)
		}
	})
}
