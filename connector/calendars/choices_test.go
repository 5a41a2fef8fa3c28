package calendars_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/calendars"
	"github.com/scopetrail/scopetrail/scopes"
)

func TestChoices(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		email   string
		scopes  []string
		want    calendars.Choices
		wantErr error
		lists   int // calendarList.list requests expected
	}{
		{name: "owner with calendar.readonly", email: ada, scopes: calendarScopes, lists: 1,
			want: calendars.Choices{Linked: map[string]bool{}, Calendars: []calendars.Calendar{
				{ID: calendars.PrimaryID, Summary: ada, Primary: true, AccessRole: "owner", TimeZone: "Europe/London"},
				{ID: team, Summary: "Acme team", AccessRole: "owner", TimeZone: "Europe/London"}}}},
		{name: "reader with calendar.readonly", email: "zoe@acme.test", scopes: calendarScopes, lists: 1,
			want: calendars.Choices{Linked: map[string]bool{}, Calendars: []calendars.Calendar{
				{ID: calendars.PrimaryID, Summary: "zoe@acme.test", Primary: true, AccessRole: "owner", TimeZone: "Europe/Stockholm"},
				{ID: team, Summary: "Acme team", AccessRole: "reader", TimeZone: "Europe/London"}}}},
		{name: "only calendar.events.readonly", email: ada, scopes: []string{scopes.OpenID, scopes.Email, scopes.CalendarEventsReadonly},
			want: calendars.Choices{Linked: map[string]bool{}, PrimaryOnly: true, Calendars: []calendars.Calendar{
				{ID: calendars.PrimaryID, Summary: "Primary calendar", Primary: true}}}},
		{name: "no calendar scope", email: ada, scopes: []string{scopes.OpenID, scopes.Email, scopes.DirectoryReadonly},
			wantErr: calendars.ErrNoAccess},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, acme(t), acmeNow, 1)
			user := h.Authorize(t, tc.email, tc.scopes...)
			got, err := h.syncer.Choices(context.Background(), user)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Choices: err = %v, want %v", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Choices (-want +got):\n%s", diff)
			}
			lists := 0
			for _, r := range h.Fake.Requests() {
				if r.MethodID == "calendar.calendarList.list" {
					lists++
				}
			}
			if lists != tc.lists {
				t.Errorf("%d calendarList.list requests, want %d", lists, tc.lists)
			}
		})
	}
}

func TestLinkAndPurge(t *testing.T) {
	t.Parallel()
	h := newHarness(t, acme(t), acmeNow, 1)
	ctx := context.Background()
	user := h.Authorize(t, ada, calendarScopes...)
	if err := h.syncer.Link(ctx, user, []string{calendars.PrimaryID, "someone-else@acme.test"}); !errors.Is(err, calendars.ErrUnknownCalendar) {
		t.Fatalf("Link(unknown) = %v, want ErrUnknownCalendar", err)
	}
	if links, _ := h.store.Links(ctx, user); len(links) != 0 {
		t.Fatalf("a refused Link stored %v", links)
	}
	h.linkAll(t, user)
	h.sync(t, user)

	// Unlinking the team calendar removes its meeting and keeps the others.
	if err := h.syncer.Link(ctx, user, []string{calendars.PrimaryID, calendars.PrimaryID}); err != nil {
		t.Fatal(err)
	}
	want := acmeAdaMeetings()
	want = append(want[:5], want[6:]...) // the offsite is on the team calendar
	if diff := cmp.Diff(want, h.meetings(t, user), ignoreID); diff != "" {
		t.Errorf("after unlinking (-want +got):\n%s", diff)
	}
	ch, err := h.syncer.Choices(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]bool{calendars.PrimaryID: true}; !cmp.Equal(ch.Linked, want) {
		t.Errorf("Linked = %v, want %v", ch.Linked, want)
	}
	// The kept link kept its sync token: the next sync is incremental.
	if st := h.sync(t, user); st.Calendars[0].Full {
		t.Errorf("the kept calendar was fully synced again: %+v", st)
	}

	n, err := h.store.Purge(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(len(want) + 1); n != want { // the meetings and one link
		t.Errorf("Purge removed %d rows, want %d", n, want)
	}
	if ms := h.meetings(t, user); len(ms) != 0 {
		t.Errorf("meetings left after Purge: %v", ms)
	}
	if links, _ := h.store.Links(ctx, user); len(links) != 0 {
		t.Errorf("links left after Purge: %v", links)
	}
}
