package audit

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/scopes"
)

// FilterFields are the names ParseFilter reads, as the web page's query
// parameters and the command line's flags spell them.
var FilterFields = []string{"user", "scope", "method", "purpose", "event", "outcome", "since", "until", "raw"}

// Outcomes are the outcomes a filter may name.
var Outcomes = []Outcome{OutcomeOK, OutcomeError, OutcomeDenied, OutcomeUnknown, OutcomePending}

// scopePrefix starts every Google scope that is a URL.
const scopePrefix = "https://www.googleapis.com/auth/"

// filterWord is what a user (an id or an email), a method, a purpose or an
// event may be written with.
var filterWord = regexp.MustCompile(`^[A-Za-z0-9._:@+-]{1,200}$`)

// filterTimeLayouts are the times a filter reads, as UTC unless they carry
// a zone: RFC 3339, what a datetime-local input sends (with or without
// seconds), and a date.
var filterTimeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"}

// FilterError is a filter field that ParseFilter or ResolveUser could not
// read: its name, the value given, and what it wants instead.
type FilterError struct {
	Field, Value, Want string
}

// Error names the field and says what it wants, as
// `since "yesterday": want …`.
func (e *FilterError) Error() string { return fmt.Sprintf("%s %q: %s", e.Field, e.Value, e.Want) }

// ParseFilter reads the filter fields of q (see FilterFields; other keys
// are ignored, empty fields match everything), with one set of rules for
// every place filters are typed:
//
//   - user: a user's id, or their email for ResolveUser to look up; it
//     matches the entries the user made and those that concern them;
//   - scope: a scope's full or short name, as drive.readonly; it matches
//     the entries that used it and the consent entries that granted or
//     refused it;
//   - method, purpose, event: a word, such as calendar.events.list;
//   - outcome: one of Outcomes;
//   - since, until: the time range, since <= time < until, each an RFC 3339
//     time, a date and time in UTC as 2026-03-01T09:00 (seconds optional),
//     a date, or a duration back from now such as 24h; since must come
//     before until;
//   - raw: a boolean, as 1 or true.
//
// A field it cannot read is an error, a *FilterError naming it.
func ParseFilter(q url.Values, now time.Time) (Filter, error) {
	f := Filter{UserID: q.Get("user"), Method: q.Get("method"), Purpose: q.Get("purpose"),
		Event: Event(q.Get("event")), Outcome: Outcome(q.Get("outcome"))}
	for _, name := range []string{"user", "method", "purpose", "event"} {
		if v := q.Get(name); v != "" && !filterWord.MatchString(v) {
			return Filter{}, &FilterError{name, v, "want letters, digits and . _ : @ + - only, as in an id, an email or a method name"}
		}
	}
	if v := q.Get("scope"); v != "" {
		s, ok := scopeByName(v)
		switch {
		case ok:
			f.Scope = s.Name
		case strings.HasPrefix(v, scopePrefix) && filterWord.MatchString(strings.TrimPrefix(v, scopePrefix)):
			f.Scope = v // a scope this build does not know may still be in older entries
		default:
			return Filter{}, &FilterError{"scope", v, "not a scope ScopeTrail knows; want a full or short name, as drive.readonly"}
		}
	}
	if f.Outcome != "" && !slices.Contains(Outcomes, f.Outcome) {
		return Filter{}, &FilterError{"outcome", string(f.Outcome), "want ok, error, denied, unknown or pending"}
	}
	var err error
	if f.Since, err = parseFilterTime("since", q.Get("since"), now); err != nil {
		return Filter{}, err
	}
	if f.Until, err = parseFilterTime("until", q.Get("until"), now); err != nil {
		return Filter{}, err
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Since.Before(f.Until) {
		return Filter{}, &FilterError{"until", q.Get("until"), "must come after since " + strconv.Quote(q.Get("since"))}
	}
	if v := q.Get("raw"); v != "" {
		if f.Raw, err = strconv.ParseBool(v); err != nil {
			return Filter{}, &FilterError{"raw", v, "want 1 or 0, true or false"}
		}
	}
	return f, nil
}

// parseFilterTime reads the time field name; "" is the zero time.
func parseFilterTime(name, s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(-d).UTC(), nil
	}
	for _, layout := range filterTimeLayouts {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			// The zero time would read as no bound at all, and a year
			// outside 1–9999 cannot be written back into a link.
			if t = t.UTC(); t.IsZero() || t.Year() < 1 || t.Year() > 9999 {
				break
			}
			return t, nil
		}
	}
	return time.Time{}, &FilterError{name, s, "want an RFC 3339 time, a date and time in UTC as 2026-03-01T09:00, a date, or a duration back from now as 24h"}
}

// scopeByName finds a registry scope by its full or short name.
func scopeByName(name string) (scopes.Scope, bool) {
	for _, s := range scopes.All() {
		if s.Short == name {
			return s, true
		}
	}
	return scopes.Lookup(name)
}

// ResolveUser replaces a user that f names by email with their id, found by
// byEmail, and keeps the email in UserEmail: entries are selected by the
// actor's or the subject's id, which stays when an email changes, and by a
// subject named only by this email. A user named by id is left as it is.
func (f *Filter) ResolveUser(ctx context.Context, byEmail func(ctx context.Context, email string) (id string, err error)) error {
	if !strings.Contains(f.UserID, "@") {
		return nil
	}
	id, err := byEmail(ctx, f.UserID)
	if err != nil {
		return fmt.Errorf("%w (%w)", &FilterError{"user", f.UserID, "no user has this email"}, err)
	}
	f.UserID, f.UserEmail = id, strings.ToLower(f.UserID)
	return nil
}
