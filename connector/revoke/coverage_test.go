package revoke_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/calendars"
	"github.com/scopetrail/scopetrail/connector/connectortest"
	"github.com/scopetrail/scopetrail/connector/directory"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/connector/invite"
	"github.com/scopetrail/scopetrail/connector/recordings"
	"github.com/scopetrail/scopetrail/connector/revoke"
	"github.com/scopetrail/scopetrail/connector/tokens"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// The rule: a table holds per-user data when one of its columns holds a
// user id, that is a column named user_id, owner_id or actor_id, or ending
// in _user_id or _by (invited_by, accepted_by). Every such table must be
// purged by revocation, or be listed in kept with the reason it stays. The
// users table itself is not one (its id column is named id): the identity
// row stays, so that the revoked user can sign in and see they were
// revoked, and the audit trail can name them.

// kept are the per-user tables a revocation leaves, each with why.
var kept = map[string]string{
	"grants":             "the revoked grant is what makes the door refuse every request for the user; it is never deleted",
	"grant_scopes":       "belongs to the revoked grant, which stays",
	"grant_suspensions":  "belongs to the revoked grant, which stays; a suspension outlives re-consent by design",
	"suspension_notes":   "says who suspended a scope of the grant, when and why, as grant_suspensions stays; no data fetched from Google",
	"audit_entries":      "the audit trail is append-only and hash-chained by design; its entries hold ids, not fetched data",
	"audit_usage_last":   "a roll-up of audit_entries for the least-privilege report, kept as the trail is; counts and ids, no fetched data",
	"audit_usage_window": "a roll-up of audit_entries for the least-privilege report, kept as the trail is; counts and ids, no fetched data",
	"audit_daily_usage":  "a roll-up of audit_entries for the usage charts, kept as the trail is; counts and ids, no fetched data",
	"audit_daily_marks":  "a roll-up of audit_entries for the usage charts, kept as the trail is; counts and ids, no fetched data",
	"oauth_requests":     "unanswered authorization requests expire within minutes and hold no data fetched from Google",
	"sessions":           "sessions are ended, not deleted; checked apart: none of the user's stays live",
	"revocations":        "holds the revocation until it is completed; checked apart: none is left for the user",
}

// userColumn reports whether a column, by its name, holds a user id.
func userColumn(name string) bool {
	switch name {
	case "user_id", "owner_id", "actor_id":
		return true
	}
	return strings.HasSuffix(name, "_user_id") || strings.HasSuffix(name, "_by")
}

// perUserTables returns every table the migrations made that holds
// per-user data, with its user columns. It reads the database's own
// catalogue after every migration ran, so that tables created, altered,
// renamed or dropped by any migration are seen as they are.
func perUserTables(t *testing.T, db *sqldb.DB) map[string][]string {
	t.Helper()
	ctx := context.Background()
	q := `SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table'`
	if db.Dialect == sqldb.Postgres {
		q = `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()`
	}
	rows, err := db.Query(ctx, q)
	if err != nil {
		t.Fatalf("reading the schema: %v", err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var table, column string
		if err := rows.Scan(&table, &column); err != nil {
			t.Fatal(err)
		}
		if userColumn(column) {
			out[table] = append(out[table], column)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// rowsOf counts the rows of a table that belong to userID by any of its
// user columns.
func rowsOf(t *testing.T, db *sqldb.DB, table string, columns []string, userID string) int {
	t.Helper()
	var where []string
	var args []any
	for _, c := range columns {
		where = append(where, c+" = ?")
		args = append(args, userID)
	}
	var n int
	q := fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE %s", table, strings.Join(where, " OR "))
	if err := db.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("counting %s: %v", table, err)
	}
	return n
}

// TestRevocationPurgesEveryPerUserTable fills every per-user table for two
// users through the real features against the fake Google, revokes one of
// them with the real service and the features' own purgers, and checks that
// every per-user table not kept by design is empty for that user and
// untouched for the other. A new per-user table fails it until the demo
// flow below fills it and its feature's purger empties it, or it is listed
// in kept with a reason.
func TestRevocationPurgesEveryPerUserTable(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open func() *sqldb.DB) {
		ctx := context.Background()
		d := newDemo(t, open())
		a, b := d.fill(t, 0), d.fill(t, 1)

		tables := perUserTables(t, d.DB)
		for name := range kept {
			if _, ok := tables[name]; !ok {
				t.Errorf("kept lists %s, which holds no per-user data (any more): remove it from kept", name)
			}
		}
		before := map[string]int{}
		for _, name := range slices.Sorted(maps.Keys(tables)) {
			if _, ok := kept[name]; ok {
				continue
			}
			na, nb := rowsOf(t, d.DB, name, tables[name], a.ID), rowsOf(t, d.DB, name, tables[name], b.ID)
			if na == 0 || nb == 0 {
				t.Errorf("table %s (user columns %v) holds per-user data, but the demo flow left %d rows for the first user and %d "+
					"for the second: fill it in newDemo/fill, purge it in its feature's Purge, or list it in kept with a reason",
					name, tables[name], na, nb)
			}
			before[name] = nb
			t.Logf("%s (%s): %d rows of the user to revoke, %d of the other", name, strings.Join(tables[name], ", "), na, nb)
		}

		if _, err := d.svc.Revoke(ctx, a.ID, admin, "coverage"); err != nil {
			t.Fatalf("Revoke: %v", err)
		}

		for name, nb := range before {
			if n := rowsOf(t, d.DB, name, tables[name], a.ID); n != 0 {
				t.Errorf("table %s keeps %d rows of the revoked user: no purger removes them", name, n)
			}
			if n := rowsOf(t, d.DB, name, tables[name], b.ID); n != nb {
				t.Errorf("table %s has %d rows of the other user after the revocation, want %d", name, n, nb)
			}
		}
		if n := rowsOf(t, d.DB, "revocations", tables["revocations"], a.ID); n != 0 {
			t.Errorf("the revocation is not completed: %d rows left in revocations", n)
		}
		var live int
		if err := d.DB.QueryRow(ctx, "SELECT COUNT(*) FROM sessions WHERE user_id = ? AND ended_at = 0", a.ID).Scan(&live); err != nil || live != 0 {
			t.Errorf("%d live sessions of the revoked user (%v), want 0", live, err)
		}
		if err := d.DB.QueryRow(ctx, "SELECT COUNT(*) FROM sessions WHERE user_id = ? AND ended_at = 0", b.ID).Scan(&live); err != nil || live != 1 {
			t.Errorf("%d live sessions of the other user (%v), want 1", live, err)
		}
	})
}

// demo is the app's features wired as serve wires them, on one database
// and the fake Google.
type demo struct {
	*connectortest.Env
	users   *identity.Store
	cal     *calendars.Store
	calSync *calendars.Syncer
	dir     *directory.Syncer
	invites *invite.Service
	rec     *recordings.Service
	svc     *revoke.Service
	// owners are people who own Meet recordings, in a fixed order.
	owners []string
}

func newDemo(t *testing.T, db *sqldb.DB) *demo {
	t.Helper()
	g := connectortest.StartGoogle(t, connectortest.Options{Generate: workspace.GenerateOptions{Seed: 3, People: 4,
		CalendarsPerPerson: 1, MeetingsPerCalendar: 3, MeetShare: 1, RecordingShare: 1, TranscriptShare: 1, RecordingSize: 1 << 10}})
	d := &demo{users: identity.NewStore(db, nil)}
	d.Env = connectortest.New(t, connectortest.Options{Google: g, DB: db, Tokens: tokens.NewStore(db, keys, nil)})
	d.cal = calendars.NewStore(db, nil)
	var err error
	if d.calSync, err = calendars.NewSyncer(calendars.Options{Store: d.cal, Clients: d.Door, Grants: d.Grants, Endpoint: d.URLs.CalendarBase}); err != nil {
		t.Fatal(err)
	}
	if d.dir, err = directory.New(directory.Options{DB: db, Door: d.Door, Endpoint: d.URLs.PeopleBase}); err != nil {
		t.Fatal(err)
	}
	if d.invites, err = invite.New(invite.Options{DB: db, Audit: d.Trail, BaseURL: "http://scopetrail.test"}); err != nil {
		t.Fatal(err)
	}
	if d.rec, err = recordings.New(recordings.Options{DB: db, Door: d.Door, DriveURL: d.URLs.DriveBase, SpoolDir: t.TempDir(), Meetings: d.cal}); err != nil {
		t.Fatal(err)
	}
	if d.svc, err = revoke.New(revoke.Options{DB: db, Grants: d.Grants, Tokens: d.Tokens.(*tokens.Store), Users: d.users, Trail: d.Trail,
		Google: d.Door, Purgers: []revoke.Purger{d.cal, d.dir, d.invites, d.rec}, ClientID: d.Client.ID}); err != nil {
		t.Fatal(err)
	}
	for _, f := range d.Workspace.Files() {
		if f.CreatedByMeet && !slices.Contains(d.owners, f.Owner) {
			d.owners = append(d.owners, f.Owner)
		}
	}
	slices.Sort(d.owners)
	if len(d.owners) < 2 {
		t.Fatalf("the workspace has %d owners of recordings, want 2", len(d.owners))
	}
	return d
}

// fill signs the i-th owner of recordings in, links every feature, and
// uses each one as a user would: the calendars linked and synced, the
// directory synced, the recordings discovered and fetched, a colleague
// invited.
func (d *demo) fill(t *testing.T, i int) identity.User {
	t.Helper()
	ctx := context.Background()
	email := d.owners[i]
	u, err := d.users.SignIn(ctx, "sub-"+email, email, "Person", "", []string{email})
	if err != nil {
		t.Fatalf("SignIn: %v", err)
	}
	if _, err := d.users.CreateSession(ctx, u.ID, time.Hour); err != nil {
		t.Fatal(err)
	}
	d.Keep(t, u.ID, d.Token(t, email, featureScopes...))
	ch, err := d.calSync.Choices(ctx, u.ID)
	if err != nil {
		t.Fatalf("Choices: %v", err)
	}
	var ids []string
	for _, c := range ch.Calendars {
		ids = append(ids, c.ID)
	}
	if err := d.calSync.Link(ctx, u.ID, ids); err != nil {
		t.Fatalf("Link: %v", err)
	}
	if _, err := d.calSync.Sync(ctx, u.ID); err != nil {
		t.Fatalf("calendar Sync: %v", err)
	}
	if _, err := d.dir.Sync(ctx, u.ID); err != nil {
		t.Fatalf("directory Sync: %v", err)
	}
	if err := d.rec.Sync(ctx, u.ID); err != nil {
		t.Fatalf("recordings Sync: %v", err)
	}
	if _, err := d.invites.Invite(ctx, u, []string{fmt.Sprintf("colleague%d@example.test", i)}); err != nil {
		t.Fatalf("Invite: %v", err)
	}
	return u
}
