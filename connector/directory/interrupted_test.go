package directory_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/directory"
	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestFullSyncInterruptedOnPage3 fails every attempt at the third page of
// a full sync of a directory of four pages, on both databases, while the
// pages before it are written and the one after would be fetched ahead:
// the previous generation must stay live and whole, no staged row may
// stay behind, no page past the third may be asked for, and the next sync
// must complete with the full, changed directory.
func TestFullSyncInterruptedOnPage3(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		h := newHarness(t, db, 35, 1)
		user := h.authorize(t, h.person(t, 0))
		tap := &tapDoor{door: h.Door, failAfter: -1}
		s := h.syncer(t, func(o *directory.Options) { o.Door, o.PageSize = tap, 10 })
		if _, err := s.Sync(ctx, user); err != nil {
			t.Fatalf("first Sync: %v", err)
		}
		before := copyOf(t, s, user)

		renamed, _ := h.Workspace.Person(h.person(t, 3))
		renamed.DisplayName += " Jr"
		h.Workspace.PutPerson(renamed)
		h.Workspace.PutPerson(workspace.Person{ID: "c9999999999", Email: "zoe.new@example.test", DisplayName: "Zoe New"})
		h.Fake.AddFault(googletest.Fault{Kind: googletest.FaultExpireSyncTokens, Count: 1})
		tap.mu.Lock()
		sent := len(tap.queries)
		tap.failAfter = sent + 3 // the expired incremental, then pages 1 and 2
		tap.mu.Unlock()
		if _, err := s.Sync(ctx, user); !errors.Is(err, errOutage) {
			t.Fatalf("Sync failing on page 3: %v, want the outage", err)
		}
		if diff := cmp.Diff(before, copyOf(t, s, user)); diff != "" {
			t.Fatalf("the interrupted sync changed the live copy (-before +after):\n%s", diff)
		}
		var rows int
		if err := h.DB.QueryRow(ctx, "SELECT COUNT(*) FROM directory_people WHERE owner_id = ?", user).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		if rows != len(before) {
			t.Errorf("%d rows stored, want the %d of the live copy: staged rows were left behind", rows, len(before))
		}
		queries := tap.sent()[sent:]
		// The outage is not retried: page 3 is the last request.
		if len(queries) != 4 || queries[3].Get("pageToken") == "" || queries[3].Get("pageToken") == queries[2].Get("pageToken") {
			t.Errorf("requests sent = %v, want the incremental, then pages 1, 2 and 3", queries)
		}

		tap.mu.Lock()
		tap.failAfter = -1
		tap.mu.Unlock()
		stats, err := s.Sync(ctx, user)
		if err != nil {
			t.Fatalf("Sync after the outage: %v", err)
		}
		if stats.People != int64(len(before)+1) {
			t.Errorf("retry = %+v, want %d people", stats, len(before)+1)
		}
		if diff := cmp.Diff(h.want(), copyOf(t, s, user)); diff != "" {
			t.Errorf("copy after the retry (-want +got):\n%s", diff)
		}
	})
}
