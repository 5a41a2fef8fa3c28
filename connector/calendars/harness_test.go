package calendars_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/calendars"
	"github.com/scopetrail/scopetrail/connector/connectortest"
	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/connector/retry"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// acmeNow is the syncer's clock for the acme workspace: every acme meeting
// falls within 30 days of it.
var acmeNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// calendarScopes are the scopes a test user grants unless told otherwise.
var calendarScopes = []string{scopes.OpenID, scopes.Email, scopes.CalendarReadonly, scopes.CalendarEventsReadonly}

// fastRetry retries without waiting, often enough to outlast 20% faults.
var fastRetry = retry.Policy{MaxAttempts: 12, Base: time.Millisecond, Max: time.Millisecond,
	Sleep: func(context.Context, time.Duration) error { return nil }}

// acme loads the shared acme test workspace.
func acme(t testing.TB) *workspace.Workspace {
	t.Helper()
	ws, err := workspace.LoadFile(filepath.Join("..", "..", "testdata", "workspace", "acme.json"))
	if err != nil {
		t.Fatalf("workspace.LoadFile: %v", err)
	}
	return ws
}

// harness is a fake Google serving a workspace, a database, the audited
// door to the fake, and a calendars Store and Syncer on them.
type harness struct {
	*connectortest.Env
	store  *calendars.Store
	syncer *calendars.Syncer
}

// newHarness serves ws from a fake seeded with seed, on a fresh SQLite
// database; the syncer's clock stands at now.
func newHarness(t testing.TB, ws *workspace.Workspace, now time.Time, seed uint64) *harness {
	t.Helper()
	return newHarnessWith(t, connectortest.Options{Workspace: ws, FaultSeed: seed}, now)
}

// newHarnessOn is newHarness on the database db, whose trail makes no
// checkpoints.
func newHarnessOn(t testing.TB, db *sqldb.DB, ws *workspace.Workspace, now time.Time, seed uint64) *harness {
	t.Helper()
	return newHarnessWith(t, connectortest.Options{Workspace: ws, FaultSeed: seed, DB: db, Trail: audit.Options{CheckpointEvery: -1}}, now)
}

// newHarnessWith starts the environment o describes, and a Store and a
// Syncer on it whose clock stands at now.
func newHarnessWith(t testing.TB, o connectortest.Options, now time.Time) *harness {
	t.Helper()
	h := &harness{Env: connectortest.New(t, o)}
	clock := func() time.Time { return now }
	h.store = calendars.NewStore(h.DB, clock)
	var err error
	h.syncer, err = calendars.NewSyncer(calendars.Options{Store: h.store, Clients: h.Door, Grants: h.Grants,
		Endpoint: h.URLs.CalendarBase, Retry: fastRetry, Now: clock})
	if err != nil {
		t.Fatalf("calendars.NewSyncer: %v", err)
	}
	return h
}

// linkAll links every calendar the user can choose.
func (h *harness) linkAll(t testing.TB, userID string) []string {
	t.Helper()
	ch, err := h.syncer.Choices(context.Background(), userID)
	if err != nil {
		t.Fatalf("Choices: %v", err)
	}
	var ids []string
	for _, c := range ch.Calendars {
		ids = append(ids, c.ID)
	}
	if err := h.syncer.Link(context.Background(), userID, ids); err != nil {
		t.Fatalf("Link: %v", err)
	}
	return ids
}

// sync syncs the user's calendars and fails the test on error.
func (h *harness) sync(t testing.TB, userID string) calendars.Stats {
	t.Helper()
	st, err := h.syncer.Sync(context.Background(), userID)
	if err != nil {
		t.Fatalf("Sync: %v", err)
	}
	return st
}

// meetings returns the user's stored meetings in the window.
func (h *harness) meetings(t testing.TB, userID string) []calendars.Meeting {
	t.Helper()
	from, to := h.store.Window()
	ms, err := h.store.Meetings(context.Background(), userID, from, to)
	if err != nil {
		t.Fatalf("Meetings: %v", err)
	}
	return ms
}

// eventLists returns the events.list requests the fake served.
func (h *harness) eventLists() []googletest.RequestRecord {
	var out []googletest.RequestRecord
	for _, r := range h.Fake.Requests() {
		if r.MethodID == "calendar.events.list" {
			out = append(out, r)
		}
	}
	return out
}
