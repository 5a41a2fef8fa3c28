package calendars_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/calendars"
	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// generated returns a generated workspace whose meetings fall around now,
// and the email of the person with the most calendars in their list.
func generated(t testing.TB, now time.Time, people, calendarsPerPerson, meetingsPerCalendar int) (*workspace.Workspace, string) {
	t.Helper()
	ws, err := workspace.Generate(workspace.GenerateOptions{Seed: 11, People: people, CalendarsPerPerson: calendarsPerPerson,
		MeetingsPerCalendar: meetingsPerCalendar, MeetShare: 0.6, RecordingShare: 0.5, TranscriptShare: 0.5,
		RecordingSize: 1 << 10, Now: now})
	if err != nil {
		t.Fatalf("workspace.Generate: %v", err)
	}
	best, most := "", 0
	for _, p := range ws.People() {
		if n := len(ws.CalendarsFor(p.Email)); !p.Deleted && n > most {
			best, most = p.Email, n
		}
	}
	return ws, best
}

// otherSyncer returns a syncer of the harness's user on a database of its
// own, fetching pageSize events a page.
func (h *harness) otherSyncer(t testing.TB, now time.Time, pageSize int64) (*calendars.Syncer, *calendars.Store) {
	t.Helper()
	clock := func() time.Time { return now }
	store := calendars.NewStore(sqldbtest.SQLite(t), clock)
	s, err := calendars.NewSyncer(calendars.Options{Store: store, Clients: h.Door, Grants: h.Grants,
		Endpoint: h.URLs.CalendarBase, Retry: fastRetry, Now: clock, PageSize: pageSize})
	if err != nil {
		t.Fatalf("calendars.NewSyncer: %v", err)
	}
	return s, store
}

// faultMix makes about 20% of the user's API requests fail: rate limits
// (403 and 429), server errors (500, 503) and cut bodies, in equal shares.
var faultMix = []googletest.FaultKind{googletest.FaultRateLimit, googletest.FaultTooManyRequests,
	googletest.FaultBackendError, googletest.FaultUnavailable, googletest.FaultCutBody}

// faultShare is each fault's probability: 1-(1-p)^5 = 0.2.
const faultShare = 0.0436

// TestSyncUnderFaults syncs the same calendars twice, once without faults
// and once with 20% of the requests failing, and expects the same copy,
// after a full sync and after an incremental sync of changes.
func TestSyncUnderFaults(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	ws, email := generated(t, now, 20, 3, 12)
	h := newHarness(t, ws, now, 42)
	user := h.Authorize(t, email, calendarScopes...)
	clean, cleanStore := h.otherSyncer(t, now, 5)
	faulty, faultyStore := h.otherSyncer(t, now, 5)
	ctx := context.Background()
	faults := func(on bool) {
		h.Fake.ClearFaults()
		for _, k := range faultMix {
			if on {
				h.Fake.AddFault(googletest.Fault{User: email, Kind: k, Probability: faultShare})
			}
		}
	}
	run := func(s *calendars.Syncer, store *calendars.Store, faulted bool, link bool) (calendars.Stats, []calendars.Meeting) {
		t.Helper()
		faults(faulted)
		defer faults(false)
		if link {
			ch, err := s.Choices(ctx, user)
			if err != nil {
				t.Fatalf("Choices (faults %v): %v", faulted, err)
			}
			var ids []string
			for _, c := range ch.Calendars {
				ids = append(ids, c.ID)
			}
			if err := s.Link(ctx, user, ids); err != nil {
				t.Fatalf("Link (faults %v): %v", faulted, err)
			}
		}
		st, err := s.Sync(ctx, user)
		if err != nil {
			t.Fatalf("Sync (faults %v): %v", faulted, err)
		}
		from, to := store.Window()
		ms, err := store.Meetings(ctx, user, from, to)
		if err != nil {
			t.Fatal(err)
		}
		return st, ms
	}
	compare := func(step string) {
		t.Helper()
		h.Fake.ResetRequests()
		cleanStats, want := run(clean, cleanStore, false, step == "full")
		_, got := run(faulty, faultyStore, true, step == "full")
		if len(want) < 20 {
			t.Fatalf("%s: only %d meetings: the test needs more", step, len(want))
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: the copy made under faults differs (-clean +faulted):\n%s", step, diff)
		}
		var sent, failed int
		for _, r := range h.Fake.Requests() {
			if r.MethodID == "calendar.events.list" || r.MethodID == "calendar.calendarList.list" {
				sent++
				if r.Status != 200 {
					failed++
				}
			}
		}
		clean := cleanStats.Requests()
		t.Logf("%s: %d meetings; %d requests without faults, %d with (%d answered with an error)", step, len(want), clean, sent-clean, failed)
		if failed == 0 || sent-clean <= clean {
			t.Errorf("%s: the faults did not fire", step)
		}
	}

	compare("full")
	// Changes at Google: a cancelled meeting and a renamed one on each
	// calendar of the user.
	for _, c := range ws.CalendarsFor(email) {
		evs := ws.Events(c.ID)
		for i, e := range evs {
			if e.Status == workspace.StatusCancelled || e.RecurringEventID != "" || len(e.Recurrence) > 0 {
				continue
			}
			if i%2 == 0 {
				if err := ws.CancelEvent(c.ID, e.ID); err != nil {
					t.Fatal(err)
				}
			} else {
				e.Summary += " (renamed)"
				ws.PutEvent(e)
			}
		}
	}
	compare("incremental")
}
