package fakeapi_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/api/calendar/v3"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

// calendarListEntries lists every page of call, returning "id" or
// "id:deleted" per entry and the final sync token.
func calendarListEntries(t *testing.T, call *calendar.CalendarListListCall) ([]string, string) {
	t.Helper()
	var got []string
	for tok := ""; ; {
		resp, err := call.PageToken(tok).Do()
		if err != nil {
			t.Fatalf("calendarList.list: %v", err)
		}
		for _, e := range resp.Items {
			s := e.Id
			if e.Deleted {
				s += ":deleted"
			}
			got = append(got, s)
		}
		if tok = resp.NextPageToken; tok == "" {
			return got, resp.NextSyncToken
		}
	}
}

func TestCalendarListSync(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	adaSvc, bobSvc := f.calendar(t, ada), f.calendar(t, bob)
	_, adaTok := calendarListEntries(t, adaSvc.CalendarList.List())
	_, bobTok := calendarListEntries(t, bobSvc.CalendarList.List())

	team, _ := f.ws.Calendar(calTeam)
	team.ReaderEmails = nil
	f.ws.PutCalendar(team)
	const calNew = "new@group.calendar.google.com"
	f.ws.PutCalendar(workspace.Calendar{ID: calNew, Owner: ada, Summary: "New", TimeZone: "UTC"})

	t.Run("owner sees the changed and the new calendar", func(t *testing.T) {
		got, next := calendarListEntries(t, adaSvc.CalendarList.List().SyncToken(adaTok).MaxResults(1))
		slices.Sort(got)
		if diff := cmp.Diff([]string{calNew, calTeam}, got); diff != "" {
			t.Errorf("changes since the sync token (-want +got):\n%s", diff)
		}
		if again, _ := calendarListEntries(t, adaSvc.CalendarList.List().SyncToken(next)); len(again) != 0 {
			t.Errorf("second incremental sync = %v, want nothing", again)
		}
	})
	t.Run("reader taken off sees a deleted entry", func(t *testing.T) {
		got, _ := calendarListEntries(t, bobSvc.CalendarList.List().SyncToken(bobTok))
		if diff := cmp.Diff([]string{calTeam + ":deleted"}, got); diff != "" {
			t.Errorf("changes since the sync token (-want +got):\n%s", diff)
		}
	})
	t.Run("full list shows deleted entries only with showDeleted", func(t *testing.T) {
		got, _ := calendarListEntries(t, bobSvc.CalendarList.List())
		if diff := cmp.Diff([]string{bob}, got); diff != "" {
			t.Errorf("full list (-want +got):\n%s", diff)
		}
		got, _ = calendarListEntries(t, bobSvc.CalendarList.List().ShowDeleted(true))
		if diff := cmp.Diff([]string{bob, calTeam + ":deleted"}, got); diff != "" {
			t.Errorf("full list with showDeleted (-want +got):\n%s", diff)
		}
	})
}
