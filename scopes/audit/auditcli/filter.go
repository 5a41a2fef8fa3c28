package auditcli

import (
	"context"
	"flag"
	"net/url"

	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/identity"
)

// filterUsage is each filter flag's help; the flags are named as
// audit.ParseFilter's fields.
var filterUsage = []struct{ name, usage string }{
	{"user", "only the entries of the user with this `ID or email`"},
	{"scope", "only the entries that used this `scope` (full or short name, as drive.readonly)"},
	{"method", "only calls of this `method` id, as calendar.events.list"},
	{"purpose", "only the entries with this `purpose`, as signin, invite, meetings or recordings"},
	{"event", "only entries of this `event`, as activity, deny or revoke"},
	{"outcome", "only entries with this `outcome`: ok, error, denied, unknown (pending with tail)"},
	{"since", "only entries at or after `T`: RFC 3339, a date and time in UTC, a date, or a duration back from now (24h)"},
	{"until", "only entries before `T`, written as for --since"},
}

// filterFlags are the filters export and tail share, by name.
type filterFlags map[string]*string

// addFilterFlags declares the filter flags on fs.
func addFilterFlags(fs *flag.FlagSet) filterFlags {
	ff := filterFlags{}
	for _, f := range filterUsage {
		ff[f.name] = fs.String(f.name, "", f.usage)
	}
	return ff
}

// filter reads the flags with audit.ParseFilter, the web page's parser. A
// user given by email is looked up in the database.
func (ff filterFlags) filter(ctx context.Context, e *auditEnv) (audit.Filter, error) {
	q := url.Values{}
	for name, v := range ff {
		if *v != "" {
			q.Set(name, *v)
		}
	}
	f, err := audit.ParseFilter(q, e.now())
	if err != nil {
		return audit.Filter{}, err
	}
	users := identity.NewStore(e.db, e.now)
	err = f.ResolveUser(ctx, func(ctx context.Context, email string) (string, error) {
		u, err := users.UserByEmail(ctx, email)
		return u.ID, err
	})
	return f, err
}
