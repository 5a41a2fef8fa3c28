package fakeapi_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"google.golang.org/api/calendar/v3"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

// receiver records the push notifications POSTed to it.
func receiver(t *testing.T) (string, <-chan http.Header) {
	t.Helper()
	got := make(chan http.Header, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.ContentLength > 0 {
			t.Errorf("notification %s with %d body bytes", r.Method, r.ContentLength)
		}
		got <- r.Header.Clone()
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/hooks/calendar", got
}

// next waits for the next notification.
func next(t *testing.T, got <-chan http.Header) http.Header {
	t.Helper()
	select {
	case h := <-got:
		return h
	case <-time.After(5 * time.Second):
		t.Fatal("no notification within 5s")
		return nil
	}
}

// quiet asserts that no notification arrives for a short while.
func quiet(t *testing.T, got <-chan http.Header) {
	t.Helper()
	select {
	case h := <-got:
		t.Errorf("unexpected notification %v", h)
	case <-time.After(150 * time.Millisecond):
	}
}

func TestPushNotifications(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	svc := f.calendar(t, ada)
	addr, got := receiver(t)
	ch, err := svc.Events.Watch("primary", &calendar.Channel{Id: "chan-1", Type: "web_hook", Address: addr,
		Token: "target=tenant42"}).Do()
	if err != nil {
		t.Fatal(err)
	}
	if ch.Kind != "api#channel" || ch.Id != "chan-1" || ch.ResourceId == "" || ch.Token != "target=tenant42" ||
		ch.Expiration != t0.Add(7*24*time.Hour).UnixMilli() || !strings.HasSuffix(ch.ResourceUri, "/calendar/v3/calendars/primary/events?alt=json") {
		t.Errorf("channel = %+v", ch)
	}
	want := func(h http.Header, state, number string) {
		t.Helper()
		for k, v := range map[string]string{"X-Goog-Channel-Id": "chan-1", "X-Goog-Channel-Token": "target=tenant42",
			"X-Goog-Resource-Id": ch.ResourceId, "X-Goog-Resource-Uri": ch.ResourceUri, "X-Goog-Resource-State": state,
			"X-Goog-Message-Number": number, "X-Goog-Channel-Expiration": "Mon, 17 Mar 2025 12:00:00 GMT"} {
			if h.Get(k) != v {
				t.Errorf("%s = %q, want %q", k, h.Get(k), v)
			}
		}
	}
	want(next(t, got), "sync", "1")

	at := time.Date(2025, 3, 12, 9, 0, 0, 0, time.UTC)
	f.ws.PutEvent(workspace.Event{ID: "new01", CalendarID: ada, Summary: "New", Start: at, End: at.Add(time.Hour)})
	want(next(t, got), "exists", "2")
	if err := f.ws.CancelEvent(ada, "new01"); err != nil {
		t.Fatal(err)
	}
	want(next(t, got), "exists", "3")
	f.ws.PutEvent(workspace.Event{ID: "other", CalendarID: calTeam, Summary: "Other", Start: at, End: at.Add(time.Hour)})
	f.ws.PutPerson(workspace.Person{ID: "c009", Email: "new@acme.test"})
	quiet(t, got)

	_, err = svc.Events.Watch(ada, &calendar.Channel{Id: "chan-1", Type: "web_hook", Address: addr}).Do()
	if ge := apiError(t, err); ge.Code != 400 || ge.Errors[0].Reason != "channelIdNotUnique" {
		t.Errorf("duplicate id: %d %v", ge.Code, ge.Errors)
	}
	if err := svc.Channels.Stop(&calendar.Channel{Id: "chan-1", ResourceId: "wrong"}).Do(); apiError(t, err).Code != 404 {
		t.Errorf("stop with the wrong resource id: %v", err)
	}
	if err := f.calendar(t, bob).Channels.Stop(&calendar.Channel{Id: "chan-1", ResourceId: ch.ResourceId}).Do(); apiError(t, err).Code != 404 {
		t.Errorf("stop by another user: %v", err)
	}
	if err := svc.Channels.Stop(&calendar.Channel{Id: "chan-1", ResourceId: ch.ResourceId}).Do(); err != nil {
		t.Fatal(err)
	}
	f.ws.PutEvent(workspace.Event{ID: "new02", CalendarID: ada, Summary: "After stop", Start: at, End: at.Add(time.Hour)})
	quiet(t, got)
}

func TestWatchErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	svc := f.calendar(t, bob)
	tests := []struct {
		name   string
		cal    string
		ch     calendar.Channel
		code   int
		reason string
	}{
		{"plain http to a remote host", bob, calendar.Channel{Id: "a", Type: "web_hook", Address: "http://example.com/hook"},
			400, "push.webhookUrlNotHttps"},
		{"no id", bob, calendar.Channel{Type: "web_hook", Address: "https://example.com/hook"}, 400, "badRequest"},
		{"bad type", bob, calendar.Channel{Id: "a", Type: "email", Address: "https://example.com/hook"}, 400, "badRequest"},
		{"no access", ada, calendar.Channel{Id: "a", Type: "web_hook", Address: "https://example.com/hook"}, 404, "notFound"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.Events.Watch(tt.cal, &tt.ch).Do()
			if ge := apiError(t, err); ge.Code != tt.code || ge.Errors[0].Reason != tt.reason {
				t.Errorf("got %d %v, want %d %s", ge.Code, ge.Errors, tt.code, tt.reason)
			}
		})
	}
}

func TestPushExpiryAndClose(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	svc := f.calendar(t, bob)
	addr, got := receiver(t)
	_, err := svc.Events.Watch(calTeam, &calendar.Channel{Id: "short", Type: "webhook", Address: addr,
		Expiration: t0.Add(time.Hour).UnixMilli()}).Do()
	if err != nil {
		t.Fatal(err)
	}
	next(t, got)
	at := time.Date(2025, 3, 12, 9, 0, 0, 0, time.UTC)
	f.clock.Advance(2 * time.Hour)
	f.ws.PutEvent(workspace.Event{ID: "late", CalendarID: calTeam, Start: at, End: at.Add(time.Hour)})
	quiet(t, got)

	_, err = svc.Events.Watch(calTeam, &calendar.Channel{Id: "long", Type: "web_hook", Address: addr}).Do()
	if err != nil {
		t.Fatal(err)
	}
	next(t, got)
	f.api.Close()
	f.ws.PutEvent(workspace.Event{ID: "closed", CalendarID: calTeam, Start: at, End: at.Add(time.Hour)})
	quiet(t, got)
}
