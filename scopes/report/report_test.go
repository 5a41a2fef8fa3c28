package report

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// now is when every test report is built; granted is when every grant was
// recorded.
var (
	now     = time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC)
	granted = time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
)

// ago returns the time d before now.
func ago(d time.Duration) time.Time { return now.Add(-d) }

const day = 24 * time.Hour

// holding is one user's grant: the scopes granted, then those suspended,
// and whether the grant was revoked.
type holding struct {
	user      string
	scopes    []string
	suspended []string
	revoked   bool
	// at is when the grant was recorded; granted when zero.
	at time.Time
}

// call is n audit entries of one event, user, scope and method at one time.
type call struct {
	user, scope, method string
	at                  time.Time
	n                   int
	event               audit.Event // activity when empty
}

// setUp records the grants and appends the calls to db's audit trail.
func setUp(t *testing.T, db *sqldb.DB, holdings []holding, calls []call) *audit.Trail {
	t.Helper()
	ctx := context.Background()
	for _, h := range holdings {
		at := granted
		if !h.at.IsZero() {
			at = h.at
		}
		grants := grant.NewStore(db, func() time.Time { return at })
		if _, err := grants.Record(ctx, h.user, "client-1", append([]string{scopes.OpenID, scopes.Email}, h.scopes...)); err != nil {
			t.Fatal(err)
		}
		for _, s := range h.suspended {
			if err := grants.Suspend(ctx, h.user, s); err != nil {
				t.Fatal(err)
			}
		}
		if h.revoked {
			if err := grants.Revoke(ctx, h.user, "revoked by the user"); err != nil {
				t.Fatal(err)
			}
		}
	}
	trail := audit.New(db, audit.Options{Replica: "r1"})
	for _, c := range calls {
		for range c.n {
			e := audit.Entry{Time: c.at, ActorID: c.user, ActorEmail: c.user + "@example.com", Event: c.event,
				Scope: c.scope, MethodName: c.method, Purpose: "test"}
			if e.Event == "" {
				// A request, begun and completed: one use.
				e.Event = audit.EventActivity
				b, err := trail.Begin(ctx, e)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := trail.Complete(ctx, b, audit.Result{Outcome: audit.OutcomeOK, HTTPStatus: 200}); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if _, err := trail.Append(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
	}
	return trail
}

// blank is the report on a scope nobody holds or used.
func blank(name string) Scope {
	s, _ := scopes.Lookup(name)
	out := Scope{Scope: s}
	if s.NarrowerAlternative != "" {
		alt, _ := scopes.Lookup(s.NarrowerAlternative)
		out.Alternative = &Alternative{Scope: alt}
	}
	return out
}

// with returns s changed by edit.
func with(s Scope, edit func(*Scope)) Scope {
	edit(&s)
	return s
}

// reported are the scopes every report covers, in order.
var reported = []string{scopes.DirectoryReadonly, scopes.CalendarEventsReadonly, scopes.CalendarReadonly,
	scopes.DriveMeetReadonly, scopes.DriveReadonly}

func TestBuild(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		holdings []holding
		calls    []call
		// want maps a scope to its report; scopes it lacks must be blank.
		want map[string]Scope
	}{
		{name: "nothing granted"},
		{
			name:     "granted but never used",
			holdings: []holding{{user: "u1", scopes: []string{scopes.DirectoryReadonly}}},
			calls: []call{
				{user: "u1", scope: scopes.DirectoryReadonly, event: audit.EventAuthorize, at: ago(day), n: 1},
				{user: "u1", scope: scopes.DirectoryReadonly, method: "people.people.listDirectoryPeople", event: audit.EventDeny, at: ago(day), n: 2},
			},
			want: map[string]Scope{scopes.DirectoryReadonly: with(blank(scopes.DirectoryReadonly), func(s *Scope) {
				h := Holder{UserID: "u1", GrantedAt: granted}
				s.Holders, s.Unused = []Holder{h}, []Holder{h}
			})},
		},
		{
			name: "a workspace",
			holdings: []holding{
				{user: "u1", scopes: []string{scopes.DirectoryReadonly, scopes.CalendarReadonly, scopes.CalendarEventsReadonly, scopes.DriveReadonly}},
				{user: "u2", scopes: []string{scopes.CalendarEventsReadonly, scopes.DriveReadonly}, suspended: []string{scopes.DriveReadonly}},
				{user: "u3", scopes: []string{scopes.DirectoryReadonly, scopes.CalendarReadonly, scopes.CalendarEventsReadonly}, revoked: true},
				{user: "u4", scopes: []string{scopes.DirectoryReadonly}},
			},
			calls: []call{
				{"u1", scopes.DirectoryReadonly, "people.people.listDirectoryPeople", ago(2 * day), 3, ""},
				{"u1", scopes.DirectoryReadonly, "people.people.listDirectoryPeople", ago(20 * day), 1, ""},
				{"u1", scopes.DirectoryReadonly, "people.people.searchDirectoryPeople", ago(40 * day), 1, ""},
				{"u3", scopes.DirectoryReadonly, "people.people.listDirectoryPeople", ago(day), 2, ""},
				{"u1", scopes.CalendarEventsReadonly, "calendar.events.list", ago(3 * day), 2, ""},
				{"u2", scopes.CalendarEventsReadonly, "calendar.events.list", ago(10 * day), 1, ""},
				{"u1", scopes.CalendarReadonly, "calendar.calendarList.list", ago(40 * day), 1, ""},
				{"u1", scopes.DriveReadonly, "drive.files.list", ago(5 * day), 1, ""},
				{"u1", scopes.DriveReadonly, "drive.files.get", ago(12 * day), 2, ""},
				{"u2", scopes.DriveReadonly, "drive.files.list", ago(day), 1, audit.EventDeny},
			},
			want: map[string]Scope{
				scopes.DirectoryReadonly: with(blank(scopes.DirectoryReadonly), func(s *Scope) {
					u4 := Holder{UserID: "u4", GrantedAt: granted}
					s.Holders = []Holder{{UserID: "u1", GrantedAt: granted, Uses7: 3, Uses30: 4, LastUse: ago(2 * day)}, u4}
					s.Uses7, s.Uses30 = 5, 6
					s.Methods = []Method{{ID: "people.people.listDirectoryPeople", Uses7: 5, Uses30: 6, Last: ago(day)}}
					s.Unused = []Holder{u4}
					// u3 revoked since: the uses say so.
					s.Former = []Former{{UserID: "u3", Uses7: 2, Uses30: 2, LastUse: ago(day), Why: LostRevoked}}
				}),
				scopes.CalendarEventsReadonly: with(blank(scopes.CalendarEventsReadonly), func(s *Scope) {
					s.Holders = []Holder{
						{UserID: "u1", GrantedAt: granted, Uses7: 2, Uses30: 2, LastUse: ago(3 * day)},
						{UserID: "u2", GrantedAt: granted, Uses30: 1, LastUse: ago(10 * day)},
					}
					s.Uses7, s.Uses30 = 2, 3
					s.Methods = []Method{{ID: "calendar.events.list", Uses7: 2, Uses30: 3, Last: ago(3 * day)}}
					s.Redundant = []Redundancy{{UserID: "u1", Broader: scopes.CalendarReadonly}}
				}),
				scopes.CalendarReadonly: with(blank(scopes.CalendarReadonly), func(s *Scope) {
					h := Holder{UserID: "u1", GrantedAt: granted, LastUse: ago(40 * day)}
					s.Holders, s.Unused = []Holder{h}, []Holder{h}
				}),
				scopes.DriveReadonly: with(blank(scopes.DriveReadonly), func(s *Scope) {
					s.Holders = []Holder{{UserID: "u1", GrantedAt: granted, Uses7: 1, Uses30: 3, LastUse: ago(5 * day)}}
					s.Suspended = []string{"u2"}
					s.Uses7, s.Uses30 = 1, 3
					s.Methods = []Method{
						{ID: "drive.files.get", Uses30: 2, Last: ago(12 * day)},
						{ID: "drive.files.list", Uses7: 1, Uses30: 1, Last: ago(5 * day)},
					}
				}),
			},
		},
		{
			name: "granted a minute ago, revoked, suspended and dropped since use",
			holdings: []holding{
				{user: "u1", scopes: []string{scopes.DirectoryReadonly}, at: ago(time.Minute)},
				{user: "u2", scopes: []string{scopes.DriveReadonly}, revoked: true},
				{user: "u3", scopes: []string{scopes.DriveReadonly}, suspended: []string{scopes.DriveReadonly}},
				{user: "u4", scopes: []string{scopes.DirectoryReadonly}},
			},
			calls: []call{
				{"u2", scopes.DriveReadonly, "drive.files.list", ago(3 * day), 6, ""},
				{"u3", scopes.DriveReadonly, "drive.files.list", ago(40 * day), 1, ""},
				{"u3", scopes.DriveReadonly, "drive.files.get", ago(day), 1, ""},
				{"u4", scopes.DriveReadonly, "drive.files.list", ago(10 * day), 2, ""},
			},
			want: map[string]Scope{
				scopes.DirectoryReadonly: with(blank(scopes.DirectoryReadonly), func(s *Scope) {
					s.Holders = []Holder{{UserID: "u1", GrantedAt: ago(time.Minute)}, {UserID: "u4", GrantedAt: granted}}
					s.NotYetUsed = []Holder{{UserID: "u1", GrantedAt: ago(time.Minute)}}
					s.Unused = []Holder{{UserID: "u4", GrantedAt: granted}}
				}),
				scopes.DriveReadonly: with(blank(scopes.DriveReadonly), func(s *Scope) {
					s.Suspended = []string{"u3"}
					s.Uses7, s.Uses30 = 7, 9
					s.Methods = []Method{{ID: "drive.files.list", Uses7: 6, Uses30: 8, Last: ago(3 * day)}, {ID: "drive.files.get", Uses7: 1, Uses30: 1, Last: ago(day)}}
					s.Former = []Former{
						{UserID: "u2", Uses7: 6, Uses30: 6, LastUse: ago(3 * day), Why: LostRevoked},
						{UserID: "u3", Uses7: 1, Uses30: 1, LastUse: ago(day), Why: LostSuspended},
						{UserID: "u4", Uses30: 2, LastUse: ago(10 * day), Why: LostDropped},
					}
				}),
			},
		},
		{
			name:     "drive used beyond Meet files",
			holdings: []holding{{user: "u1", scopes: []string{scopes.DriveReadonly}}},
			calls: []call{
				{"u1", scopes.DriveReadonly, "drive.files.list", ago(day), 1, ""},
				{"u1", scopes.DriveReadonly, "drive.about.get", ago(day), 1, ""},
			},
			want: map[string]Scope{scopes.DriveReadonly: with(blank(scopes.DriveReadonly), func(s *Scope) {
				s.Holders = []Holder{{UserID: "u1", GrantedAt: granted, Uses7: 2, Uses30: 2, LastUse: ago(day)}}
				s.Uses7, s.Uses30 = 2, 2
				s.Methods = []Method{{ID: "drive.about.get", Uses7: 1, Uses30: 1, Last: ago(day)}, {ID: "drive.files.list", Uses7: 1, Uses30: 1, Last: ago(day)}}
				s.Alternative.Uncovered = []string{"drive.about.get"}
			})},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
				trail := setUp(t, db, tt.holdings, tt.calls)
				got, err := Build(context.Background(), grant.NewStore(db, nil), trail, scopes.All(), now)
				if err != nil {
					t.Fatalf("Build: %v", err)
				}
				want := Report{Time: now}
				for _, name := range reported {
					s, ok := tt.want[name]
					if !ok {
						s = blank(name)
					}
					want.Scopes = append(want.Scopes, s)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("report (-want +got):\n%s", diff)
				}
			})
		})
	}
}
