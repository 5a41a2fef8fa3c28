package calendars_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/calendars"
)

// TestRequestsAskOnlyForShownFields checks the parameters of every request
// of a full and an incremental sync: partial responses, single events, the
// window on full syncs only, the time zone of calendars and of event lists.
func TestRequestsAskOnlyForShownFields(t *testing.T) {
	t.Parallel()
	h := newHarness(t, acme(t), acmeNow, 1)
	user := h.Authorize(t, ada, calendarScopes...)
	var mu sync.Mutex
	var seen []url.URL
	syncer, err := calendars.NewSyncer(calendars.Options{Store: h.store, Grants: h.Grants, Endpoint: h.URLs.CalendarBase,
		Retry: fastRetry, Now: func() time.Time { return acmeNow },
		Clients: hookClients{door: h.Door, before: func(r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			seen = append(seen, *r.URL)
		}}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := syncer.Link(ctx, user, []string{calendars.PrimaryID}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := syncer.Sync(ctx, user); err != nil {
			t.Fatal(err)
		}
	}
	if len(seen) != 3 {
		t.Fatalf("%d requests, want calendarList.list and two events.list", len(seen))
	}
	list := seen[0].Query()
	if !strings.HasSuffix(seen[0].Path, "/users/me/calendarList") || list.Get("fields") != "items(id,summary,primary,accessRole,timeZone),nextPageToken" ||
		list.Get("minAccessRole") != "reader" {
		t.Errorf("calendarList request %s", seen[0].String())
	}
	for i, u := range seen[1:] {
		q := u.Query()
		full := i == 0
		if !strings.HasSuffix(u.Path, "/calendars/primary/events") || q.Get("singleEvents") != "true" ||
			!strings.HasPrefix(q.Get("fields"), "summary,timeZone,items(id,status,summary,start(date,dateTime),end(date,dateTime),") {
			t.Errorf("events.list request %s", u.String())
		}
		from, to := calendars.Window(acmeNow)
		if full && (q.Get("timeMin") != from.Format(time.RFC3339) || q.Get("timeMax") != to.Format(time.RFC3339) || q.Has("syncToken")) {
			t.Errorf("full sync request %s, want the window and no sync token", u.String())
		}
		if !full && (q.Get("syncToken") == "" || q.Has("timeMin") || q.Has("timeMax")) {
			t.Errorf("incremental sync request %s, want a sync token and no window", u.String())
		}
	}
}
