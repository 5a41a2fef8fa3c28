package calendars_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/calendars"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
)

// hookClients runs before ahead of every request sent through the door.
type hookClients struct {
	door   *googlehttp.Door
	before func(*http.Request)
}

func (c hookClients) Client(userID string) *http.Client {
	inner := c.door.Client(userID).Transport
	return &http.Client{Transport: roundTripper(func(r *http.Request) (*http.Response, error) {
		c.before(r)
		return inner.RoundTrip(r)
	})}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestSyncSkipsCalendarUnlinkedMeanwhile(t *testing.T) {
	t.Parallel()
	h := newHarness(t, acme(t), acmeNow, 1)
	user := h.Authorize(t, ada, calendarScopes...)
	h.linkAll(t, user)
	var once sync.Once
	syncer, err := calendars.NewSyncer(calendars.Options{Store: h.store, Grants: h.Grants, Endpoint: h.URLs.CalendarBase,
		Retry: fastRetry, Now: func() time.Time { return acmeNow },
		Clients: hookClients{door: h.Door, before: func(r *http.Request) {
			if strings.Contains(r.URL.Path, "/calendars/"+calendars.PrimaryID+"/events") {
				once.Do(func() { // The member unlinks the primary calendar while it syncs.
					if err := h.syncer.Link(context.Background(), user, []string{team}); err != nil {
						t.Errorf("Link: %v", err)
					}
				})
			}
		}}})
	if err != nil {
		t.Fatal(err)
	}
	st, err := syncer.Sync(context.Background(), user)
	if err != nil {
		t.Fatalf("Sync: %v", err)
	}
	if st.Calendars[0].Stored != 0 || st.Calendars[0].Err != nil {
		t.Errorf("the unlinked calendar: %+v, want skipped", st.Calendars[0])
	}
	want := acmeAdaMeetings()[5:6] // only the offsite, on the team calendar
	if diff := cmp.Diff(want, h.meetings(t, user), ignoreID); diff != "" {
		t.Errorf("meetings (-want +got):\n%s", diff)
	}
}
