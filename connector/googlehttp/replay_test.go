package googlehttp_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"google.golang.org/api/drive/v3"
	"google.golang.org/api/option"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/scopes/audit"
)

// TestNoUnauditedResend sends two requests through the door to a server
// that reads the second request on a kept-alive connection and closes the
// connection without answering, as a proxy or a server at its idle timeout
// may. Go's transport would send such a GET again by itself, on a new
// connection, where the door cannot see it: every request the server read
// must have its own audit entry.
func TestNoUnauditedResend(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	user := h.Authorize(t, h.People[0], allScopes...)
	var mu sync.Mutex
	served := 0
	perConn := map[string]int{}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		served++
		perConn[r.RemoteAddr]++
		second := perConn[r.RemoteAddr] == 2
		mu.Unlock()
		if second {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"files":[]}`))
	}))
	t.Cleanup(ts.Close)
	d := h.NewDoor(t, func(o *googlehttp.Options) { o.Bases.Drive = ts.URL + "/drive/v3/" })
	svc, err := drive.NewService(context.Background(), option.WithEndpoint(ts.URL+"/drive/v3/"), option.WithHTTPClient(d.Client(user)))
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		svc.Files.List().Context(timedCtx(t)).Do()
	}
	begun := 0
	for _, e := range h.Entries(t, user) {
		if e.Event == audit.EventActivity && e.Outcome == audit.OutcomePending {
			begun++
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if served != begun {
		t.Errorf("the server read %d requests, the trail begun %d", served, begun)
	}
}
