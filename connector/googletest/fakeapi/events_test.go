package fakeapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/api/calendar/v3"
	"google.golang.org/api/googleapi"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

func TestEventsList(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	svc := f.calendar(t, ada)
	inst := func(day string) string { return evWeekly + "_202503" + day + "T090000Z" }
	tests := []struct {
		name string
		call *calendar.EventsListCall
		want string
	}{
		{"expanded by start time", svc.Events.List("primary").SingleEvents(true).OrderBy("startTime"),
			inst("04") + ":confirmed " + evMeet + ":confirmed " + evAllDay + ":confirmed " + evWeeklyEx + ":confirmed " +
				inst("18") + ":confirmed " + inst("25") + ":confirmed"},
		{"window bounds are exclusive", svc.Events.List(ada).SingleEvents(true).OrderBy("startTime").
			TimeMin("2025-03-04T10:30:00Z").TimeMax("2025-03-11T13:00:00Z"), evAllDay + ":confirmed"},
		{"window with offsets", svc.Events.List(ada).SingleEvents(true).
			TimeMin("2025-03-04T05:15:00-05:00").TimeMax("2025-03-04T06:30:00-04:00"), evMeet + ":confirmed"},
		{"masters and exceptions", svc.Events.List(ada),
			evAllDay + ":confirmed " + evMeet + ":confirmed " + evWeekly + ":confirmed " + evWeeklyEx + ":confirmed"},
		{"master kept for a late instance", svc.Events.List(ada).TimeMin("2025-03-20T00:00:00Z"), evWeekly + ":confirmed"},
		{"master dropped after its last instance", svc.Events.List(ada).TimeMin("2025-03-25T09:15:00Z"), ""},
		{"showDeleted", svc.Events.List(ada).ShowDeleted(true).TimeMax("2025-03-05T12:00:00Z"),
			evCancelled + ":cancelled " + evMeet + ":confirmed " + evWeekly + ":confirmed"},
		{"q", svc.Events.List(ada).Q("SYNC"), evMeet + ":confirmed"},
		{"q on attendees", svc.Events.List(ada).Q("bob@acme.test"), evMeet + ":confirmed"},
		{"iCalUID", svc.Events.List(ada).SingleEvents(true).ICalUID(evWeekly + "@google.com"),
			inst("04") + ":confirmed " + evWeeklyEx + ":confirmed " + inst("18") + ":confirmed " + inst("25") + ":confirmed"},
		{"updatedMin includes deleted", svc.Events.List(ada).UpdatedMin("2025-03-02T00:00:00Z"),
			evCancelled + ":cancelled " + evMeet + ":confirmed " + evWeeklyEx + ":confirmed"},
		{"orderBy updated", svc.Events.List(ada).OrderBy("updated"),
			evAllDay + ":confirmed " + evWeekly + ":confirmed " + evWeeklyEx + ":confirmed " + evMeet + ":confirmed"},
		{"secondary calendar", svc.Events.List(calTeam), evPlain + ":confirmed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, _, _ := listEvents(t, func() *calendar.EventsListCall { return tt.call })
			if diff := cmp.Diff(tt.want, summaryOf(items)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	t.Run("instances", func(t *testing.T) {
		items, _, _ := listEvents(t, func() *calendar.EventsListCall {
			return svc.Events.List(ada).SingleEvents(true).ICalUID(evWeekly + "@google.com")
		})
		first := items[0]
		if first.RecurringEventId != evWeekly || first.OriginalStartTime.DateTime != "2025-03-04T09:00:00Z" ||
			first.Recurrence != nil || first.ICalUID != evWeekly+"@google.com" {
			t.Errorf("instance = %+v", first)
		}
		if ex := items[1]; ex.Start.DateTime != "2025-03-11T13:00:00Z" || ex.OriginalStartTime.DateTime != "2025-03-11T09:00:00Z" {
			t.Errorf("exception = %+v %+v", ex.Start, ex.OriginalStartTime)
		}
	})
	t.Run("timeZone", func(t *testing.T) {
		resp, err := svc.Events.List(ada).Q("sync").TimeZone("America/New_York").Do()
		if err != nil {
			t.Fatal(err)
		}
		if resp.TimeZone != "America/New_York" || resp.Items[0].Start.DateTime != "2025-03-04T05:00:00-05:00" {
			t.Errorf("timeZone %s, start %s", resp.TimeZone, resp.Items[0].Start.DateTime)
		}
		if resp.AccessRole != "owner" || resp.Kind != "calendar#events" || resp.Summary != ada {
			t.Errorf("list = %+v", resp)
		}
	})
}

func TestEventsListEmptyPages(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	svc := f.calendar(t, ada)
	empty := 0
	items, pages, _ := listEvents(t, func() *calendar.EventsListCall {
		return svc.Events.List(ada).MaxResults(1)
	})
	for p, tok := 0, ""; ; p++ {
		resp, err := svc.Events.List(ada).MaxResults(1).PageToken(tok).Do()
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Items) == 0 && resp.NextPageToken != "" {
			empty++
		}
		if tok = resp.NextPageToken; tok == "" {
			break
		}
	}
	if pages != 5 || empty != 1 {
		t.Errorf("pages = %d with %d empty, want 5 with 1 empty", pages, empty)
	}
	if diff := cmp.Diff(evAllDay+":confirmed "+evMeet+":confirmed "+evWeekly+":confirmed "+evWeeklyEx+":confirmed",
		summaryOf(items)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	_, err := svc.Events.List(ada).MaxResults(1).PageToken("forged").Do()
	if ge := apiError(t, err); ge.Code != 400 {
		t.Errorf("forged page token: %d", ge.Code)
	}
}

func TestEventsSync(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	svc := f.calendar(t, ada)
	call := func() *calendar.EventsListCall { return svc.Events.List("primary").SingleEvents(true).MaxResults(2) }
	_, _, tok := listEvents(t, call)
	if tok == "" {
		t.Fatal("no nextSyncToken")
	}
	at := time.Date(2025, 3, 20, 15, 0, 0, 0, time.UTC)
	f.ws.PutEvent(workspace.Event{ID: "new01", CalendarID: ada, Summary: "New", Start: at, End: at.Add(time.Hour),
		Organizer: ada, Created: at, Updated: at})
	if err := f.ws.CancelEvent(ada, evMeet); err != nil {
		t.Fatal(err)
	}
	f.ws.PutEvent(workspace.Event{ID: "bobs", CalendarID: bob, Summary: "Elsewhere", Start: at, End: at.Add(time.Hour)})
	changed, _, tok2 := listEvents(t, func() *calendar.EventsListCall { return call().SyncToken(tok) })
	if diff := cmp.Diff(evMeet+":cancelled new01:confirmed", summaryOf(changed)); diff != "" {
		t.Errorf("incremental (-want +got):\n%s", diff)
	}

	master, _ := f.ws.Event(ada, evWeekly)
	master.Summary = "Daily standup"
	f.ws.PutEvent(master)
	changed, _, tok3 := listEvents(t, func() *calendar.EventsListCall { return call().SyncToken(tok2) })
	if len(changed) != 4 || changed[0].Summary != "Daily standup" {
		t.Errorf("changed master expands to %s", summaryOf(changed))
	}
	quiet, _, _ := listEvents(t, func() *calendar.EventsListCall { return call().SyncToken(tok3) })
	if len(quiet) != 0 {
		t.Errorf("quiet sync returned %s", summaryOf(quiet))
	}

	for name, c := range map[string]*calendar.EventsListCall{
		"other singleEvents": svc.Events.List(ada).SyncToken(tok3),
		"other calendar":     svc.Events.List(calTeam).SingleEvents(true).SyncToken(tok3),
		"other user":         f.calendar(t, bob).Events.List(calTeam).SingleEvents(true).SyncToken(tok3),
	} {
		_, err := c.Do()
		if ge := apiError(t, err); ge.Code != 410 {
			t.Errorf("%s: %d", name, ge.Code)
		}
	}
	f.api.ExpireSyncTokens(ada)
	_, err := call().SyncToken(tok3).Do()
	ge := apiError(t, err)
	if ge.Code != 410 || !strings.Contains(ge.Body, `"location":"syncToken"`) || ge.Errors[0].Reason != "fullSyncRequired" {
		t.Errorf("expired: %d %s", ge.Code, ge.Body)
	}
}

func TestCancelledSeries(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	svc := f.calendar(t, ada)
	if err := f.ws.CancelEvent(ada, evWeekly); err != nil {
		t.Fatal(err)
	}
	series := func() *calendar.EventsListCall {
		return svc.Events.List(ada).SingleEvents(true).ICalUID(evWeekly + "@google.com")
	}
	if items, _, _ := listEvents(t, series); len(items) != 0 {
		t.Errorf("cancelled series still lists %s", summaryOf(items))
	}
	items, _, _ := listEvents(t, func() *calendar.EventsListCall { return series().ShowDeleted(true) })
	if diff := cmp.Diff(evWeeklyEx+":cancelled", summaryOf(items)); diff != "" {
		t.Errorf("showDeleted: deleted instances only, not the master (-want +got):\n%s", diff)
	}
	items, _, _ = listEvents(t, func() *calendar.EventsListCall {
		return svc.Events.List(ada).ICalUID(evWeekly + "@google.com").ShowDeleted(true)
	})
	if diff := cmp.Diff(evWeekly+":cancelled "+evWeeklyEx+":cancelled", summaryOf(items)); diff != "" {
		t.Errorf("masters (-want +got):\n%s", diff)
	}
}

func TestCalendarFields(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	svc := f.calendar(t, ada)
	list, err := svc.Events.List(ada).Q("sync").Fields("items(id,conferenceData/conferenceId)").Do()
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 1 || list.Kind != "" || list.NextSyncToken != "" || list.Items[0].Summary != "" ||
		list.Items[0].ConferenceData.ConferenceId != "abc-mnop-xyz" || list.Items[0].ConferenceData.ConferenceSolution != nil {
		t.Errorf("masked list = %+v", list)
	}
	e, err := svc.Events.Get(ada, evMeet).Fields("id,hangoutLink").Do()
	if err != nil || e.Id != evMeet || e.HangoutLink == "" || e.Kind != "" || e.Start != nil {
		t.Errorf("masked event = %+v, %v", e, err)
	}
	cals, err := svc.CalendarList.List().Fields("items(id),nextSyncToken").Do()
	if err != nil || len(cals.Items) != 2 || cals.Items[0].AccessRole != "" || cals.NextSyncToken == "" {
		t.Errorf("masked calendar list = %+v, %v", cals, err)
	}
	for _, sel := range []googleapi.Field{"items(bogus)", "nextPageToken(x)", "items("} {
		_, err := svc.Events.List(ada).Fields(sel).Do()
		if ge := apiError(t, err); ge.Code != 400 || !strings.Contains(ge.Body, `"location":"fields"`) {
			t.Errorf("fields %q: %d %s", sel, ge.Code, ge.Body)
		}
	}
}

func TestEventsListUpdatedMinTooLongAgo(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	svc := f.calendar(t, ada)
	const window = 20 * 24 * time.Hour // how far back the fake keeps deletions, as observed at Google
	f.clock.Advance(30 * 24 * time.Hour)
	now := f.clock.Now()
	within := now.Add(-window + time.Hour).Format(time.RFC3339)
	resp, err := svc.Events.List(ada).UpdatedMin(within).Do()
	if err != nil {
		t.Fatalf("updatedMin %s, inside the window: %v", within, err)
	}
	if resp.NextSyncToken == "" {
		t.Errorf("updatedMin inside the window: no nextSyncToken")
	}
	before := now.Add(-window - time.Hour).Format(time.RFC3339)
	_, err = svc.Events.List(ada).UpdatedMin(before).Do()
	ge := apiError(t, err)
	if ge.Code != 410 || len(ge.Errors) == 0 || ge.Errors[0].Reason != "updatedMinTooLongAgo" ||
		!strings.Contains(string(ge.Body), `"location":"updatedMin"`) || ge.Message != "The requested minimum modification time lies too far in the past." {
		t.Errorf("updatedMin %s, before the window: %d %q %+v, want 410 updatedMinTooLongAgo", before, ge.Code, ge.Message, ge.Errors)
	}
}
