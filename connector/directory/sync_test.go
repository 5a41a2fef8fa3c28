package directory_test

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/directory"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// now is the Syncer's clock in these tests.
var now = time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)

// copyOf returns a user's whole copy, sorted by resource name.
func copyOf(t *testing.T, s *directory.Syncer, userID string) []directory.Person {
	t.Helper()
	got, err := s.People(context.Background(), userID, "", 0)
	if err != nil {
		t.Fatalf("People: %v", err)
	}
	return sortPeople(got)
}

// TestSync runs a full sync, incremental syncs with and without changes,
// and a sync whose token Google expired, on both databases.
func TestSync(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		h := newHarness(t, db, 25, 1)
		user := h.authorize(t, h.person(t, 0))
		tap := &tapDoor{door: h.Door, failAfter: -1}
		s := h.syncer(t, func(o *directory.Options) { o.Door, o.PageSize, o.Now = tap, 10, func() time.Time { return now } })

		if st, err := s.Status(ctx, user); err != nil || st != (directory.Status{}) {
			t.Fatalf("Status before any sync = %+v, %v; want the zero Status", st, err)
		}
		stats, err := s.Sync(ctx, user)
		if err != nil {
			t.Fatalf("full Sync: %v", err)
		}
		if want := (directory.Stats{Requests: 3, People: 25, Full: true}); stats != want {
			t.Errorf("full Sync stats = %+v, want %+v", stats, want)
		}
		if diff := cmp.Diff(h.want(), copyOf(t, s, user)); diff != "" {
			t.Fatalf("copy after the full sync (-want +got):\n%s", diff)
		}
		wantStatus := directory.Status{Synced: true, People: 25, LastSync: now, LastFull: now, StartedAt: now}
		if st, err := s.Status(ctx, user); err != nil || st != wantStatus {
			t.Errorf("Status = %+v, %v; want %+v", st, err, wantStatus)
		}
		for i, q := range tap.sent() {
			want := url.Values{"readMask": {directory.ReadMask}, "sources": {directory.SourceDomainProfile}, "pageSize": {"10"}, "requestSyncToken": {"true"}}
			for _, k := range []string{"readMask", "sources", "pageSize", "requestSyncToken"} {
				if !cmp.Equal(q[k], want[k]) {
					t.Errorf("request %d: %s = %q, want %q", i, k, q[k], want[k])
				}
			}
		}

		// Changes: one person added, one renamed, one removed.
		added := workspace.Person{ID: "c9999999999", Email: "zoe.new@example.test", GivenName: "Zoe", FamilyName: "New", DisplayName: "Zoe New"}
		h.Workspace.PutPerson(added)
		renamed, _ := h.Workspace.Person(h.person(t, 1))
		renamed.DisplayName = "Renamed Person"
		h.Workspace.PutPerson(renamed)
		removed, _ := h.Workspace.Person(h.person(t, 2))
		if err := h.Workspace.DeletePerson(removed.ID); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name  string
			setup func()
			want  directory.Stats
		}{
			{"changes", func() {}, directory.Stats{Requests: 1, People: 25, Changes: 3}},
			{"no changes", func() {}, directory.Stats{Requests: 1, People: 25}},
			{"expired token", func() {
				h.Fake.AddFault(googletest.Fault{Kind: googletest.FaultExpireSyncTokens, Count: 1})
			}, directory.Stats{Requests: 4, People: 25, Full: true}},
		}
		for _, tt := range tests {
			tt.setup()
			stats, err := s.Sync(ctx, user)
			if err != nil {
				t.Fatalf("%s: Sync: %v", tt.name, err)
			}
			if stats != tt.want {
				t.Errorf("%s: stats = %+v, want %+v", tt.name, stats, tt.want)
			}
			if diff := cmp.Diff(h.want(), copyOf(t, s, user)); diff != "" {
				t.Fatalf("%s: copy (-want +got):\n%s", tt.name, diff)
			}
		}
		checkAudit(t, h, user, 3+1+1+4)
	})
}

// checkAudit checks that the user's Google requests were audited, each with
// the purpose invite, and that the fake served exactly those.
func checkAudit(t *testing.T, h *harness, user string, want int) {
	t.Helper()
	page, err := h.Trail.Query(context.Background(), audit.Filter{UserID: user, Event: audit.EventActivity, Limit: audit.MaxLimit})
	if err != nil {
		t.Fatalf("Query: %v", err)
	}
	if len(page.Entries) != want || h.listRequests() != want {
		t.Errorf("%d audited requests and %d served by the fake, want %d", len(page.Entries), h.listRequests(), want)
	}
	for _, e := range page.Entries {
		if e.Purpose != "invite" || e.MethodName != "people.people.listDirectoryPeople" {
			t.Errorf("audit entry %d: purpose %q, method %q; want invite, people.people.listDirectoryPeople", e.Seq, e.Purpose, e.MethodName)
		}
	}
}

// TestFailedSyncKeepsCopy cuts the network part-way through a full sync:
// the previous copy must stay whole, with no staged rows left behind, and
// the failure must show in the status until a sync succeeds.
func TestFailedSyncKeepsCopy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t, sqldbtest.SQLite(t), 30, 1)
	user := h.authorize(t, h.person(t, 0))
	tap := &tapDoor{door: h.Door, failAfter: -1}
	s := h.syncer(t, func(o *directory.Options) { o.Door, o.PageSize, o.Retry.MaxAttempts = tap, 10, 2 })
	if _, err := s.Sync(ctx, user); err != nil {
		t.Fatalf("first Sync: %v", err)
	}
	before := copyOf(t, s, user)

	h.Workspace.PutPerson(workspace.Person{ID: "c9999999999", Email: "zoe.new@example.test", DisplayName: "Zoe New"})
	h.Fake.AddFault(googletest.Fault{Kind: googletest.FaultExpireSyncTokens, Count: 1})
	tap.mu.Lock()
	tap.failAfter = len(tap.queries) + 3 // the expired incremental, then two of four pages
	tap.mu.Unlock()
	_, err := s.Sync(ctx, user)
	if !errors.Is(err, errOutage) {
		t.Fatalf("Sync during an outage: %v, want the outage", err)
	}
	if diff := cmp.Diff(before, copyOf(t, s, user)); diff != "" {
		t.Fatalf("the failed sync changed the copy (-before +after):\n%s", diff)
	}
	var rows int
	if err := h.DB.QueryRow(ctx, "SELECT COUNT(*) FROM directory_people WHERE owner_id = ?", user).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != len(before) {
		t.Errorf("%d rows stored, want the %d of the copy: staged rows were left behind", rows, len(before))
	}
	st, err := s.Status(ctx, user)
	if err != nil || st.LastError == "" || st.LastErrorAt.IsZero() || st.People != int64(len(before)) {
		t.Errorf("Status after the failure = %+v, %v; want the old copy and the reason", st, err)
	}
	// The outage is no failure of Google's: its code says so, and neither
	// the request's URL, its page token nor the error's text is kept.
	if st.LastError != string(googlehttp.ClassInternal) || st.LastErrorDetail != "" {
		t.Errorf("failure kept = %q %q, want the code %q alone", st.LastError, st.LastErrorDetail, googlehttp.ClassInternal)
	}

	tap.mu.Lock()
	tap.failAfter = -1
	tap.mu.Unlock()
	if _, err := s.Sync(ctx, user); err != nil {
		t.Fatalf("Sync after the outage: %v", err)
	}
	if diff := cmp.Diff(h.want(), copyOf(t, s, user)); diff != "" {
		t.Errorf("copy after recovery (-want +got):\n%s", diff)
	}
	if st, _ := s.Status(ctx, user); st.LastError != "" || st.LastErrorDetail != "" {
		t.Errorf("failure after a good sync = %q %q, want none", st.LastError, st.LastErrorDetail)
	}
}
