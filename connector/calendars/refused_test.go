package calendars_test

import (
	"context"
	"errors"
	"testing"

	"github.com/scopetrail/scopetrail/connector/calendars"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
)

func TestSyncStopsWhenTheDoorRefuses(t *testing.T) {
	t.Parallel()
	h := newHarness(t, acme(t), acmeNow, 1)
	ctx := context.Background()
	user := h.Authorize(t, ada, calendarScopes...)
	h.linkAll(t, user)
	h.sync(t, user)
	if err := h.Grants.Revoke(ctx, user, "revoked by an admin"); err != nil {
		t.Fatal(err)
	}
	h.Fake.ResetRequests()

	st, err := h.syncer.Sync(ctx, user)
	if !errors.Is(err, googlehttp.ErrDenied) {
		t.Fatalf("Sync = %v, want an error wrapping googlehttp.ErrDenied", err)
	}
	if len(st.Calendars) != 1 || st.Requests() != 0 {
		t.Errorf("stats = %+v, want one calendar tried and no request sent", st)
	}
	if got := h.Fake.Requests(); len(got) != 0 {
		t.Errorf("Google saw %d requests after the revocation", len(got))
	}
	links, err := h.store.Links(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	if want := "denied.revoked"; links[0].SyncError != want {
		t.Errorf("SyncError = %q, want %q", links[0].SyncError, want)
	}
	if got := len(h.meetings(t, user)); got != len(acmeAdaMeetings()) {
		t.Errorf("%d meetings kept, want %d", got, len(acmeAdaMeetings()))
	}
	if _, err := h.syncer.Choices(ctx, user); !errors.Is(err, calendars.ErrNoAccess) {
		t.Errorf("Choices after revocation = %v, want ErrNoAccess", err)
	}
}
