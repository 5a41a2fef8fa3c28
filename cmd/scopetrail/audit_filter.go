package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/identity"
)

// filterFlags are the filters export and tail share.
type filterFlags struct {
	user, scope, method, purpose, event, outcome, since, until *string
}

// addFilterFlags declares the filter flags on fs.
func addFilterFlags(fs *flag.FlagSet) *filterFlags {
	return &filterFlags{
		user:    fs.String("user", "", "only the entries of the user with this `ID or email`"),
		scope:   fs.String("scope", "", "only the entries that used this `scope` (full or short name, as drive.readonly)"),
		method:  fs.String("method", "", "only calls of this `method` id, as calendar.events.list"),
		purpose: fs.String("purpose", "", "only the entries with this `purpose`: signin, invite, meetings or recordings"),
		event:   fs.String("event", "", "only entries of this `event`, as activity, deny or revoke"),
		outcome: fs.String("outcome", "", "only entries with this `outcome`: ok, error, denied, unknown (pending with tail)"),
		since:   fs.String("since", "", "only entries at or after `T`: RFC 3339, a date, or a duration back from now (24h)"),
		until:   fs.String("until", "", "only entries before `T`, written as for --since"),
	}
}

// filter turns the flags into a Filter. A user given by email is looked up
// in the database.
func (ff *filterFlags) filter(ctx context.Context, e *auditEnv) (audit.Filter, error) {
	f := audit.Filter{UserID: *ff.user, Method: *ff.method, Purpose: *ff.purpose, Event: audit.Event(*ff.event),
		Outcome: audit.Outcome(*ff.outcome)}
	if strings.Contains(f.UserID, "@") {
		u, err := identity.NewStore(e.db, e.now).UserByEmail(ctx, f.UserID)
		if err != nil {
			return audit.Filter{}, fmt.Errorf("--user %s: %w", f.UserID, err)
		}
		f.UserID = u.ID
	}
	if *ff.scope != "" {
		f.Scope = *ff.scope
		for _, s := range scopes.All() {
			if s.Short == *ff.scope {
				f.Scope = s.Name
			}
		}
		if _, ok := scopes.Lookup(f.Scope); !ok {
			return audit.Filter{}, fmt.Errorf("--scope %s: not a scope ScopeTrail knows", *ff.scope)
		}
	}
	var err error
	if f.Since, err = parseWhen(*ff.since, e.now()); err != nil {
		return audit.Filter{}, fmt.Errorf("--since: %w", err)
	}
	if f.Until, err = parseWhen(*ff.until, e.now()); err != nil {
		return audit.Filter{}, fmt.Errorf("--until: %w", err)
	}
	return f, nil
}

// parseWhen reads a time given as RFC 3339, as a date (UTC), or as a
// duration back from now; "" is the zero time.
func parseWhen(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(-d), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time, a date such as 2026-03-01, or a duration such as 24h", s)
}

// stamp writes a time for people, in UTC.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// strconvSeq is an entry's seq as a cursor.
func strconvSeq(e audit.Entry) string { return strconv.FormatInt(e.Seq, 10) }

// tailLine writes one stored entry on one line: what always is, then
// key=value for what is set.
func tailLine(e audit.Entry) string {
	who := e.ActorEmail
	if who == "" {
		who = e.ActorID
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s %s %s %s", e.Seq, stamp(e.Time), e.Event, e.Outcome, who)
	for _, kv := range []struct{ k, v string }{
		{"method", e.MethodName}, {"scope", shortScope(e.Scope)}, {"purpose", e.Purpose}, {"resource", e.Resource},
		{"status", nonZero(int64(e.HTTPStatus))}, {"reason", e.ErrorReason}, {"bytes", nonZero(e.NumResponseBytes)},
		{"items", nonZero(e.Items)}, {"latency", nonZeroDuration(e.Latency)}, {"ref", nonZero(e.RefSeq)},
		{"replica", e.Replica},
	} {
		switch {
		case kv.v == "":
		case strings.ContainsAny(kv.v, " \t\n\"="):
			fmt.Fprintf(&b, " %s=%q", kv.k, kv.v)
		default:
			fmt.Fprintf(&b, " %s=%s", kv.k, kv.v)
		}
	}
	return b.String()
}

// shortScope is a scope's short name, or the scope as given when unknown.
func shortScope(scope string) string {
	if s, ok := scopes.Lookup(scope); ok {
		return s.Short
	}
	return scope
}

// nonZero writes n, or "" for 0.
func nonZero(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

// nonZeroDuration writes d, or "" for 0.
func nonZeroDuration(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return d.String()
}
