package calendars_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/calendars"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestLinkPrimary checks the default link made right after a user granted
// calendar access: the primary calendar, when nothing is linked, whose
// first sync tells its name and time zone even without calendar.readonly.
func TestLinkPrimary(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("events.readonly only", func(t *testing.T) {
		t.Parallel()
		sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) { linkPrimaryThenSync(t, newHarnessOn(t, db, acme(t), acmeNow, 1)) })
	})
	t.Run("keeps a choice", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, acme(t), acmeNow, 1)
		user := h.Authorize(t, ada, calendarScopes...)
		if err := h.syncer.Link(ctx, user, []string{team}); err != nil {
			t.Fatal(err)
		}
		linked, err := h.syncer.LinkPrimary(ctx, user)
		if err != nil || linked {
			t.Fatalf("LinkPrimary = %v, %v; want false, nil", linked, err)
		}
		links, _ := h.store.Links(ctx, user)
		want := []calendars.Calendar{{ID: team, Summary: "Acme team", AccessRole: "owner", TimeZone: "Europe/London"}}
		if diff := cmp.Diff(want, calendarsOf(links)); diff != "" {
			t.Errorf("links (-want +got):\n%s", diff)
		}
	})
	t.Run("no calendar scope", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, acme(t), acmeNow, 1)
		user := h.Authorize(t, ada, scopes.OpenID, scopes.Email, scopes.DirectoryReadonly)
		if _, err := h.syncer.LinkPrimary(ctx, user); !errors.Is(err, calendars.ErrNoAccess) {
			t.Fatalf("LinkPrimary = %v, want ErrNoAccess", err)
		}
	})
}

// calendarsOf returns the calendars of links.
func calendarsOf(links []calendars.Link) []calendars.Calendar {
	var out []calendars.Calendar
	for _, l := range links {
		out = append(out, l.Calendar)
	}
	return out
}

// linkPrimaryThenSync links the primary calendar of a member who granted
// calendar.events.readonly alone, and checks that it sends nothing to
// Google and that the first sync tells the calendar's name and zone.
func linkPrimaryThenSync(t *testing.T, h *harness) {
	ctx := context.Background()
	user := h.Authorize(t, "zoe@acme.test", scopes.OpenID, scopes.Email, scopes.CalendarEventsReadonly)
	linked, err := h.syncer.LinkPrimary(ctx, user)
	if err != nil || !linked {
		t.Fatalf("LinkPrimary = %v, %v; want true, nil", linked, err)
	}
	for _, r := range h.Fake.Requests() {
		if strings.HasPrefix(r.MethodID, "calendar.") {
			t.Errorf("LinkPrimary sent %s to Google, want nothing", r.MethodID)
		}
	}
	h.sync(t, user)
	links, err := h.store.Links(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	want := []calendars.Calendar{{ID: calendars.PrimaryID, Summary: "zoe@acme.test", Primary: true, TimeZone: "Europe/Stockholm"}}
	if diff := cmp.Diff(want, calendarsOf(links)); diff != "" {
		t.Errorf("links after the first sync (-want +got):\n%s", diff)
	}
	if len(h.meetings(t, user)) == 0 {
		t.Error("no meeting of the primary calendar after its first sync")
	}
}
