package auditcli

import (
	"context"
	"flag"
	"fmt"
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
