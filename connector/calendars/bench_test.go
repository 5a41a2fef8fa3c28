package calendars_test

import (
	"testing"
	"time"
)

// resyncSetup links every calendar of the generated workspace's busiest
// person and runs the first, full sync. It returns the harness, the user
// and the number of calendars linked.
func resyncSetup(t testing.TB) (*harness, string, int) {
	t.Helper()
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	ws, email := generated(t, now, 30, 4, 20)
	h := newHarness(t, ws, now, 1)
	user := h.Authorize(t, email, calendarScopes...)
	n := len(h.linkAll(t, user))
	if st := h.sync(t, user); st.Requests() < n {
		t.Fatalf("the full sync sent %d requests for %d calendars", st.Requests(), n)
	}
	return h, user, n
}

// TestIncrementalResyncNoChanges checks, in the fake's request log, that a
// re-sync without changes costs exactly one request per calendar.
func TestIncrementalResyncNoChanges(t *testing.T) {
	t.Parallel()
	h, user, n := resyncSetup(t)
	if n < 4 {
		t.Fatalf("only %d calendars linked: the test needs several", n)
	}
	before := h.meetings(t, user)
	h.Fake.ResetRequests()
	st := h.sync(t, user)
	if got := len(h.Fake.Requests()); got != n {
		t.Errorf("the fake served %d requests for %d calendars, want exactly 1 per calendar", got, n)
	}
	perCalendar := map[string]int{}
	for _, r := range h.eventLists() {
		perCalendar[r.Path]++
		if r.Status != 200 {
			t.Errorf("%s answered %d", r.Path, r.Status)
		}
	}
	if len(perCalendar) != n {
		t.Errorf("requests per calendar path: %v, want one for each of %d calendars", perCalendar, n)
	}
	for _, c := range st.Calendars {
		if c.Requests != 1 || c.Full || c.Stored != 0 || c.Removed != 0 {
			t.Errorf("calendar %s: %+v, want 1 incremental request and no change", c.CalendarID, c)
		}
	}
	if after := h.meetings(t, user); len(after) != len(before) {
		t.Errorf("%d meetings after the re-sync, %d before", len(after), len(before))
	}
}

// BenchmarkIncrementalResyncNoChanges measures an incremental re-sync of
// several linked calendars when nothing changed at Google, and reports the
// requests sent per calendar (it must be 1).
func BenchmarkIncrementalResyncNoChanges(b *testing.B) {
	h, user, n := resyncSetup(b)
	h.Fake.ResetRequests()
	requests := 0
	for b.Loop() {
		requests += h.sync(b, user).Requests()
	}
	b.ReportMetric(float64(requests)/float64(b.N*n), "requests/calendar")
	b.ReportMetric(float64(len(h.Fake.Requests()))/float64(b.N*n), "served/calendar")
	b.ReportMetric(float64(n), "calendars")
}
