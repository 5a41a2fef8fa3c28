package fakeapi_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/api/calendar/v3"
)

func TestCalendarList(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	type entry struct {
		ID, Role string
		Primary  bool
	}
	tests := []struct {
		user    string
		minRole string
		want    []entry
	}{
		{ada, "", []entry{{ada, "owner", true}, {calTeam, "owner", false}}},
		{bob, "", []entry{{bob, "owner", true}, {calTeam, "reader", false}}},
		{bob, "owner", []entry{{bob, "owner", true}}},
		{cy, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.user+"/"+tt.minRole, func(t *testing.T) {
			svc := f.calendar(t, tt.user)
			var got []entry
			tok, pages := "", 0
			for {
				resp, err := svc.CalendarList.List().MaxResults(1).MinAccessRole(tt.minRole).PageToken(tok).Do()
				if err != nil {
					t.Fatal(err)
				}
				pages++
				for _, it := range resp.Items {
					got = append(got, entry{it.Id, it.AccessRole, it.Primary})
				}
				if (resp.NextPageToken == "") == (resp.NextSyncToken == "") {
					t.Fatalf("want exactly one of nextPageToken and nextSyncToken: %+v", resp)
				}
				if tok = resp.NextPageToken; tok == "" {
					break
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("entries (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("sync", func(t *testing.T) {
		svc := f.calendar(t, ada)
		resp, err := svc.CalendarList.List().Do()
		if err != nil {
			t.Fatal(err)
		}
		again, err := svc.CalendarList.List().SyncToken(resp.NextSyncToken).Do()
		if err != nil || len(again.Items) != 0 || again.NextSyncToken == "" {
			t.Fatalf("incremental list with nothing changed = %v, %v; want no entries and a sync token", again, err)
		}
		_, err = svc.CalendarList.List().SyncToken(resp.NextSyncToken).MinAccessRole("owner").Do()
		if ge := apiError(t, err); ge.Code != 400 {
			t.Errorf("syncToken with minAccessRole: %d", ge.Code)
		}
		f.api.ExpireSyncTokens(ada)
		_, err = svc.CalendarList.List().SyncToken(resp.NextSyncToken).Do()
		if ge := apiError(t, err); ge.Code != 410 || ge.Errors[0].Reason != "fullSyncRequired" {
			t.Errorf("expired token: %d %v", ge.Code, ge.Errors)
		}
	})
}

func TestGetEvent(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	tests := []struct {
		user, cal, id string
		code          int
		check         func(t *testing.T, e *calendar.Event)
	}{
		{ada, "primary", evMeet, 200, func(t *testing.T, e *calendar.Event) {
			cd := e.ConferenceData
			if cd == nil || cd.ConferenceId != "abc-mnop-xyz" || cd.ConferenceSolution.Key.Type != "hangoutsMeet" ||
				cd.EntryPoints[0].EntryPointType != "video" || cd.EntryPoints[0].Uri != "https://meet.google.com/abc-mnop-xyz" {
				t.Errorf("conferenceData = %+v", cd)
			}
			if e.HangoutLink != "https://meet.google.com/abc-mnop-xyz" || !e.Organizer.Self || len(e.Attendees) != 2 ||
				!e.Attendees[0].Self || e.Attendees[1].ResponseStatus != "needsAction" {
				t.Errorf("event = %+v", e)
			}
			if len(e.Attachments) != 2 || e.Attachments[0].FileId != fileRecording || e.Attachments[1].MimeType == "" ||
				e.Attachments[0].IconLink == "" {
				t.Errorf("attachments = %+v", e.Attachments)
			}
			if e.Start.DateTime != "2025-03-04T10:00:00Z" || e.Start.TimeZone != "Europe/London" {
				t.Errorf("start = %+v", e.Start)
			}
		}},
		{ada, ada, evWeekly + "_20250318T090000Z", 200, func(t *testing.T, e *calendar.Event) {
			if e.RecurringEventId != evWeekly || e.OriginalStartTime.DateTime != "2025-03-18T09:00:00Z" ||
				e.Start.DateTime != "2025-03-18T09:00:00Z" || e.End.DateTime != "2025-03-18T09:15:00Z" || e.Recurrence != nil {
				t.Errorf("instance = %+v", e)
			}
		}},
		{ada, ada, evWeeklyEx, 200, func(t *testing.T, e *calendar.Event) {
			if e.Summary != "Standup (moved)" || e.RecurringEventId != evWeekly {
				t.Errorf("exception = %+v", e)
			}
		}},
		{ada, ada, evAllDay, 200, func(t *testing.T, e *calendar.Event) {
			if e.Start.Date != "2025-03-06" || e.End.Date != "2025-03-07" || e.Start.DateTime != "" {
				t.Errorf("all-day = %+v %+v", e.Start, e.End)
			}
		}},
		{ada, ada, evCancelled, 200, func(t *testing.T, e *calendar.Event) {
			if e.Status != "cancelled" || e.Summary != "" {
				t.Errorf("cancelled = %+v", e)
			}
		}},
		{ada, ada, evWeekly + "_20250319T090000Z", 404, nil},
		{ada, ada, evWeekly + "_20250401T090000Z", 404, nil},
		{ada, ada, "nope", 404, nil},
		{bob, calTeam, evPlain, 200, func(t *testing.T, e *calendar.Event) {
			if e.ConferenceData != nil || e.HangoutLink != "" || e.Organizer.Self {
				t.Errorf("plain event seen by a reader = %+v", e)
			}
		}},
		{bob, ada, evMeet, 404, nil},
		{cy, calTeam, evPlain, 404, nil},
	}
	for _, tt := range tests {
		t.Run(tt.user+"/"+tt.id, func(t *testing.T) {
			e, err := f.calendar(t, tt.user).Events.Get(tt.cal, tt.id).Do()
			if tt.code != 200 {
				if ge := apiError(t, err); ge.Code != tt.code || ge.Errors[0].Reason != "notFound" {
					t.Errorf("got %d %v, want %d", ge.Code, ge.Errors, tt.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if e.Id != tt.id || e.Kind != "calendar#event" {
				t.Errorf("id, kind = %s, %s", e.Id, e.Kind)
			}
			tt.check(t, e)
		})
	}
}

// listEvents pages through events.list and returns every item, the number
// of pages and the final sync token.
func listEvents(t *testing.T, call func() *calendar.EventsListCall) ([]*calendar.Event, int, string) {
	t.Helper()
	var all []*calendar.Event
	tok := ""
	for pages := 1; ; pages++ {
		resp, err := call().PageToken(tok).Do()
		if err != nil {
			t.Fatalf("page %d: %v", pages, err)
		}
		all = append(all, resp.Items...)
		if (resp.NextPageToken == "") == (resp.NextSyncToken == "") {
			t.Fatalf("want exactly one of nextPageToken and nextSyncToken on page %d", pages)
		}
		if resp.NextPageToken == "" {
			return all, pages, resp.NextSyncToken
		}
		tok = resp.NextPageToken
	}
}

func TestEventsListErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	svc := f.calendar(t, ada)
	tests := []struct {
		name   string
		call   *calendar.EventsListCall
		code   int
		reason string
	}{
		{"startTime without singleEvents", svc.Events.List(ada).OrderBy("startTime"), 400, "badRequest"},
		{"bad orderBy", svc.Events.List(ada).OrderBy("summary"), 400, "invalid"},
		{"empty range", svc.Events.List(ada).TimeMin("2025-03-05T00:00:00Z").TimeMax("2025-03-05T00:00:00Z"), 400, "timeRangeEmpty"},
		{"timeMin without offset", svc.Events.List(ada).TimeMin("2025-03-05T00:00:00"), 400, "invalid"},
		{"maxResults zero", svc.Events.List(ada).MaxResults(0), 400, "invalid"},
		{"no access", svc.Events.List(bob), 404, "notFound"},
		{"unknown calendar", svc.Events.List("nobody@acme.test"), 404, "notFound"},
		{"bad sync token", svc.Events.List(ada).SyncToken("garbage"), 410, "fullSyncRequired"},
	}
	for _, p := range []string{"timeMin", "timeMax", "updatedMin", "orderBy", "q", "iCalUID",
		"privateExtendedProperty", "sharedExtendedProperty", "showDeleted"} {
		call := withParam(svc.Events.List(ada).SyncToken("any"), p)
		tests = append(tests, struct {
			name   string
			call   *calendar.EventsListCall
			code   int
			reason string
		}{"syncToken with " + p, call, 400, "badRequest"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.call.Do()
			ge := apiError(t, err)
			if ge.Code != tt.code || len(ge.Errors) == 0 || ge.Errors[0].Reason != tt.reason {
				t.Errorf("got %d %v, want %d %s", ge.Code, ge.Errors, tt.code, tt.reason)
			}
		})
	}
}

// withParam sets the events.list parameter p to a valid value.
func withParam(call *calendar.EventsListCall, p string) *calendar.EventsListCall {
	switch p {
	case "timeMin":
		return call.TimeMin("2025-03-01T00:00:00Z")
	case "timeMax":
		return call.TimeMax("2025-03-01T00:00:00Z")
	case "updatedMin":
		return call.UpdatedMin("2025-03-01T00:00:00Z")
	case "orderBy":
		return call.OrderBy("updated")
	case "q":
		return call.Q("sync")
	case "iCalUID":
		return call.ICalUID("x@google.com")
	case "privateExtendedProperty":
		return call.PrivateExtendedProperty("a=b")
	case "sharedExtendedProperty":
		return call.SharedExtendedProperty("a=b")
	case "showDeleted":
		return call.ShowDeleted(false)
	}
	panic("unknown parameter " + p)
}

// summaryOf returns "id:status" for each event.
func summaryOf(items []*calendar.Event) string {
	var b strings.Builder
	for _, e := range items {
		b.WriteString(e.Id + ":" + e.Status + " ")
	}
	return strings.TrimSpace(b.String())
}
