package fakeapi_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCalendarTimeZones checks that the fake tells each calendar's time
// zone as Google does, under the partial-response masks ScopeTrail sends:
// on every calendarList entry, and at the top of an events.list answer,
// for the primary calendar too.
func TestCalendarTimeZones(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	svc := f.calendar(t, ada)
	list, err := svc.CalendarList.List().Fields("items(id,summary,primary,accessRole,timeZone),nextPageToken").Do()
	if err != nil {
		t.Fatal(err)
	}
	zones := map[string]string{}
	for _, e := range list.Items {
		zones[e.Id] = e.TimeZone
	}
	if diff := cmp.Diff(map[string]string{ada: "Europe/London", calTeam: "UTC"}, zones); diff != "" {
		t.Errorf("calendarList zones (-want +got):\n%s", diff)
	}
	events, err := svc.Events.List("primary").Fields("summary,timeZone,items(id),nextPageToken,nextSyncToken").Do()
	if err != nil {
		t.Fatal(err)
	}
	if events.TimeZone != "Europe/London" || events.Summary != ada {
		t.Errorf("events.list of the primary calendar: summary %q, timeZone %q; want %q, Europe/London", events.Summary, events.TimeZone, ada)
	}
}
