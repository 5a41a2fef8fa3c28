// Package report builds ScopeTrail's least-privilege report: for each Google
// scope the app asks for, and each narrower scope that could replace one, it
// tells who holds the scope, how much and how it was used, which grants sit
// unused, which are redundant next to a broader scope the same user holds,
// and which narrower scope could serve instead.
//
// Everything in the report comes from the grants, the audit trail's usage
// counts, the scope registry and the method table generated from Google's
// discovery documents; nothing is written by hand per scope.
package report

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
)

// The report's usage windows.
const (
	Week  = 7 * 24 * time.Hour
	Month = 30 * 24 * time.Hour
)

// Grants lists every user's grant. *grant.Store satisfies it.
type Grants interface {
	List(ctx context.Context) ([]grant.Grant, error)
}

// UsageSource counts API calls by scope, method and user. *audit.Trail
// satisfies it.
type UsageSource interface {
	// UsageSummary counts the calls since a time and, of those, the ones
	// since a later time, recent, and gives every user's latest call with
	// each scope, ever.
	UsageSummary(ctx context.Context, since, recent time.Time) (audit.UsageSummary, error)
}

// Report is the least-privilege report at one time.
type Report struct {
	// Time is when the report was built; the windows end there.
	Time   time.Time
	Scopes []Scope
	// Egress sums the last 30 days' transcription egress by engine and
	// host; nil when the Builder has no EgressSource, empty when no audio
	// was sent or refused.
	Egress []audit.EgressSummary
}

// Scope is the report on one scope. The embedded registry entry gives its
// Google tier, description and purposes.
type Scope struct {
	scopes.Scope
	// Holders are the users whose active grant holds the scope, not
	// suspended, sorted by user id.
	Holders []Holder
	// Suspended are the users who hold the scope but have it suspended.
	Suspended []string
	// Uses7 and Uses30 count the API calls made with the scope in the last
	// 7 and 30 days, by every user, holder or not.
	Uses7, Uses30 int64
	// Methods are the methods called with the scope in the last 30 days,
	// most used first.
	Methods []Method
	// Unused are the holders who made no call with the scope in the last
	// 30 days and granted it before them; a zero LastUse means never.
	Unused []Holder
	// NotYetUsed are the holders who granted the scope in the last 30
	// days and have not used it since: too new to call unused.
	NotYetUsed []Holder
	// Former are the users who used the scope in the last 30 days but do
	// not hold it now, and why, sorted by user id: they explain uses next
	// to fewer holders.
	Former []Former
	// Redundant are the holders for whom the scope is redundant, because
	// they also hold a broader scope that allows every method it allows.
	Redundant []Redundancy
	// Alternative is the narrower scope the registry names for this one,
	// nil when there is none.
	Alternative *Alternative
}

// Holder is one user holding a scope.
type Holder struct {
	UserID string
	// GrantedAt is when the user first granted the scope.
	GrantedAt     time.Time
	Uses7, Uses30 int64
	// LastUse is the user's latest call with the scope, ever; zero when
	// there was none.
	LastUse time.Time
}

// Former is a user who used a scope in the last 30 days and no longer
// holds it.
type Former struct {
	UserID        string
	Uses7, Uses30 int64
	LastUse       time.Time
	// Why says what became of the grant: one of the Lost values.
	Why Lost
}

// Lost says why a user who used a scope does not hold it now.
type Lost string

// The reasons a user no longer holds a scope.
const (
	// LostRevoked: the user's whole grant was revoked.
	LostRevoked Lost = "revoked"
	// LostSuspended: an admin suspended the scope.
	LostSuspended Lost = "suspended"
	// LostReconnect: the grant needs the user to link their account again.
	LostReconnect Lost = "reconnect_needed"
	// LostDropped: the user's latest consent left the scope out.
	LostDropped Lost = "dropped"
	// LostNoGrant: no grant of the user is on record.
	LostNoGrant Lost = "no_grant"
)

// Method is one method called with a scope.
type Method struct {
	// ID is Google's method id, such as "calendar.events.list".
	ID            string
	Uses7, Uses30 int64
	Last          time.Time
}

// Redundancy says that a user's grant of a scope is redundant next to a
// broader scope the user holds.
type Redundancy struct {
	UserID string
	// Broader is the scope that already allows every method of the
	// redundant one.
	Broader string
}

// Alternative is a narrower scope that could replace a scope.
type Alternative struct {
	scopes.Scope
	// Uncovered are the methods called with the scope in the last 30 days
	// that the alternative does not allow; empty when it would have served
	// every one of them.
	Uncovered []string
}

// Build writes the report at now for every scope of registry that is not a
// sign-in scope, in registry order. It reads the last 30 days' calls and
// the last use of each holder who made none in them from the trail's usage
// roll-up, which reads only the entries appended since the last report
// (audit.Trail.UsageSummary). The roll-up counts entries as stored: that
// they were not tampered with is what `audit verify` checks.
func Build(ctx context.Context, grants Grants, source UsageSource, registry []scopes.Scope, now time.Time) (Report, error) {
	list, err := grants.List(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("building the least-privilege report: %w", err)
	}
	usage, err := source.UsageSummary(ctx, now.Add(-Month), now.Add(-Week))
	if err != nil {
		return Report{}, fmt.Errorf("building the least-privilege report: %w", err)
	}
	rep := Report{Time: now}
	for _, s := range registry {
		if slices.Contains(s.Purposes, scopes.PurposeSignIn) {
			continue
		}
		sc := buildScope(s, list, usage.Windows, registry, now)
		// A holder's last use, when it is older than 30 days, comes from
		// the last use ever.
		for i := range sc.Unused {
			last := usage.LastUse[audit.UserScope{UserID: sc.Unused[i].UserID, Scope: s.Name}]
			sc.Unused[i].LastUse = last
			for j := range sc.Holders {
				if sc.Holders[j].UserID == sc.Unused[i].UserID {
					sc.Holders[j].LastUse = last
				}
			}
		}
		rep.Scopes = append(rep.Scopes, sc)
	}
	return rep, nil
}

// buildScope writes the report on one scope from the grants and the
// counts of the last 30 days.
func buildScope(s scopes.Scope, list []grant.Grant, counts []audit.WindowUsage, registry []scopes.Scope, now time.Time) Scope {
	out := Scope{Scope: s}
	for _, g := range list {
		if g.Status != grant.StatusActive || !g.Has(s.Name) {
			continue
		}
		if g.IsSuspended(s.Name) {
			out.Suspended = append(out.Suspended, g.UserID)
			continue
		}
		h := Holder{UserID: g.UserID}
		for _, sg := range g.Granted {
			if sg.Scope == s.Name {
				h.GrantedAt = sg.GrantedAt
			}
		}
		out.Holders = append(out.Holders, h)
		for _, other := range g.Scopes {
			if other != s.Name && g.Usable(other) && redundant(s.Name, other) {
				out.Redundant = append(out.Redundant, Redundancy{UserID: g.UserID, Broader: other})
			}
		}
	}
	holders := make(map[string]*Holder, len(out.Holders))
	for i := range out.Holders {
		holders[out.Holders[i].UserID] = &out.Holders[i]
	}
	methods := map[string]*Method{}
	former := map[string]*Former{}
	for _, c := range counts {
		if c.Scope != s.Name {
			continue
		}
		out.Uses30 += c.Calls
		out.Uses7 += c.Recent
		m, ok := methods[c.Method]
		if !ok {
			m = &Method{ID: c.Method}
			methods[c.Method] = m
		}
		m.Uses30 += c.Calls
		m.Uses7 += c.Recent
		m.Last = later(m.Last, c.Last)
		if h := holders[c.UserID]; h != nil {
			h.Uses30 += c.Calls
			h.Uses7 += c.Recent
			h.LastUse = later(h.LastUse, c.Last)
			continue
		}
		f, ok := former[c.UserID]
		if !ok {
			f = &Former{UserID: c.UserID, Why: lost(s.Name, c.UserID, list)}
			former[c.UserID] = f
		}
		f.Uses30 += c.Calls
		f.Uses7 += c.Recent
		f.LastUse = later(f.LastUse, c.Last)
	}
	for _, f := range former {
		out.Former = append(out.Former, *f)
	}
	slices.SortFunc(out.Former, func(a, b Former) int { return cmp.Compare(a.UserID, b.UserID) })
	for _, m := range methods {
		out.Methods = append(out.Methods, *m)
	}
	slices.SortFunc(out.Methods, func(a, b Method) int {
		return cmp.Or(cmp.Compare(b.Uses30, a.Uses30), cmp.Compare(a.ID, b.ID))
	})
	for _, h := range out.Holders {
		switch {
		case h.Uses30 > 0:
		case h.GrantedAt.After(now.Add(-Month)):
			out.NotYetUsed = append(out.NotYetUsed, h)
		default:
			out.Unused = append(out.Unused, h)
		}
	}
	out.Alternative = alternative(s, out.Methods, registry)
	return out
}

// lost says why user does not hold scope, from the grants.
func lost(scope, user string, list []grant.Grant) Lost {
	for _, g := range list {
		if g.UserID != user {
			continue
		}
		switch {
		case g.Status == grant.StatusRevoked:
			return LostRevoked
		case g.Status == grant.StatusReconnectNeeded:
			return LostReconnect
		case g.Has(scope) && g.IsSuspended(scope):
			return LostSuspended
		default:
			return LostDropped
		}
	}
	return LostNoGrant
}

// later returns the later of two times.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// Builder builds the report on demand, as the reviewer's page asks for it.
type Builder struct {
	Grants   Grants
	Usage    UsageSource
	Registry []scopes.Scope
	// Egress, when set, adds the transcription egress to the report.
	Egress EgressSource
	// Daily, when set, gives the usage charts their figures.
	Daily DailySource
	// Requests, when set, records and lists the requests to narrow a
	// grant.
	RequestTrail RequestTrail
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// now returns the time on the Builder's clock, in UTC.
func (b Builder) now() time.Time {
	if b.Now != nil {
		return b.Now().UTC()
	}
	return time.Now().UTC()
}

// Build writes the report now.
func (b Builder) Build(ctx context.Context) (Report, error) {
	rep, err := Build(ctx, b.Grants, b.Usage, b.Registry, b.now())
	if err != nil || b.Egress == nil {
		return rep, err
	}
	return withEgress(ctx, rep, b.Egress)
}
