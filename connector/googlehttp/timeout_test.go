package googlehttp_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/api/drive/v3"
	"google.golang.org/api/option"

	"github.com/scopetrail/scopetrail/connector/connectortest"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/connector/retry"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
)

// short are the timeouts of the doors these tests build.
var short = googlehttp.Timeouts{Connect: 200 * time.Millisecond, Header: 200 * time.Millisecond, Idle: 200 * time.Millisecond}

// giveUp bounds a test's call, so that a door that waits forever fails the
// test with a message instead of hanging it.
const giveUp = 10 * time.Second

// timedCtx is a recordings context that ends after giveUp.
func timedCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(connectortest.Ctx(scopes.PurposeRecordings), giveUp)
	t.Cleanup(cancel)
	return ctx
}

// expectTimeout fails the test unless err is the door's timeout: one that
// Classify calls transient.timeout, that retry retries, and that is not the
// end of the caller's context.
func expectTimeout(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s succeeded, want a timeout", what)
	}
	if f := googlehttp.Classify(err); f.Code != googlehttp.CodeTimeout {
		t.Fatalf("%s: %v, classified %q, want %q", what, err, f.Code, googlehttp.CodeTimeout)
	}
	if !retry.Retryable(err) {
		t.Errorf("%s: a timeout is not retryable: %v", what, err)
	}
}

// upstream is a stand-in for Google that answers every request by calling
// serve, after reading the request's body. Its stall ends when the test
// does, so that closing the server does not wait for a stalled handler.
func upstream(t *testing.T, serve func(w http.ResponseWriter, r *http.Request, stall <-chan struct{})) *httptest.Server {
	t.Helper()
	stop := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		serve(w, r, stop)
	}))
	t.Cleanup(ts.Close)
	t.Cleanup(func() { close(stop) })
	return ts
}

// download fetches file f1 through a door whose Drive is ts, and returns
// how many bytes it read.
func download(t *testing.T, h *harness, ts *httptest.Server, timeouts googlehttp.Timeouts, user string) (int64, error) {
	t.Helper()
	d := h.NewDoor(t, func(o *googlehttp.Options) {
		o.Bases.Drive = ts.URL + "/drive/v3/"
		o.Timeouts = timeouts
	})
	svc, err := drive.NewService(context.Background(), option.WithEndpoint(ts.URL+"/drive/v3/"), option.WithHTTPClient(d.Client(user)))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := svc.Files.Get("f1").Context(timedCtx(t)).Download()
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return io.Copy(io.Discard, resp.Body)
}

func TestHeaderTimeout(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	user := h.Authorize(t, h.People[0], allScopes...)
	h.Fake.AddFault(googletest.Fault{Method: "drive.files.list", Kind: googletest.FaultLatency, Delay: time.Minute})
	d := h.NewDoor(t, func(o *googlehttp.Options) { o.Timeouts = short })
	_, err := newServices(t, h.URLs, d, user).drive.Files.List().Context(timedCtx(t)).Do()
	expectTimeout(t, "files.list from a Google that never answers", err)
	want := []step{pending, {audit.EventActivity, audit.OutcomeError, 0, "timeout"}}
	if diff := cmp.Diff(want, steps(h.Entries(t, user))); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
}

func TestStalledBodyTimeout(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	user := h.Authorize(t, h.People[0], allScopes...)
	ts := upstream(t, func(w http.ResponseWriter, _ *http.Request, stall <-chan struct{}) {
		w.Header().Set("Content-Length", "100000")
		w.Write(make([]byte, 1000))
		w.(http.Flusher).Flush()
		<-stall
	})
	n, err := download(t, h, ts, short, user)
	expectTimeout(t, "a download that stalls", err)
	if n != 1000 {
		t.Errorf("read %d bytes before the stall, want 1000", n)
	}
	want := []step{pending, {audit.EventActivity, audit.OutcomeError, 200, "timeout"}}
	if diff := cmp.Diff(want, steps(h.Entries(t, user))); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
}

// TestSlowBodyCompletes downloads a body that takes longer than every
// timeout, each of its pieces coming well within the idle timeout.
func TestSlowBodyCompletes(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	user := h.Authorize(t, h.People[0], allScopes...)
	const pieces, size = 20, 1 << 10
	ts := upstream(t, func(w http.ResponseWriter, _ *http.Request, _ <-chan struct{}) {
		w.Header().Set("Content-Length", strconv.Itoa(pieces*size))
		for range pieces {
			w.Write(make([]byte, size))
			w.(http.Flusher).Flush()
			time.Sleep(50 * time.Millisecond)
		}
	})
	slow := googlehttp.Timeouts{Connect: 500 * time.Millisecond, Header: 500 * time.Millisecond, Idle: 500 * time.Millisecond}
	n, err := download(t, h, ts, slow, user)
	if err != nil || n != pieces*size {
		t.Fatalf("slow download: %d bytes, %v; want %d bytes", n, err, pieces*size)
	}
	es := h.Entries(t, user)
	if len(es) != 2 || es[1].Outcome != audit.OutcomeOK || es[1].NumResponseBytes != pieces*size {
		t.Errorf("entries: %+v, want one completed download of %d bytes", steps(es), pieces*size)
	}
}

func TestRefreshTimeout(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	user := h.Authorize(t, h.People[0], allScopes...)
	h.expire(t, user)
	h.Fake.AddFault(googletest.Fault{Method: googletest.MethodToken, Kind: googletest.FaultLatency, Delay: time.Minute})
	d := h.NewDoor(t, func(o *googlehttp.Options) { o.Timeouts = short })
	_, err := newServices(t, h.URLs, d, user).drive.Files.List().Context(timedCtx(t)).Do()
	expectTimeout(t, "files.list whose refresh never gets an answer", err)
	es := h.Entries(t, user)
	if len(es) != 2 || es[1].Event != audit.EventRefreshFailed || es[1].Outcome != audit.OutcomeError {
		t.Errorf("entries: %+v, want a refresh that failed", steps(es))
	}
}

func TestRevokeTimeout(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	user := h.Authorize(t, h.People[0], allScopes...)
	hang := upstream(t, func(_ http.ResponseWriter, _ *http.Request, stall <-chan struct{}) { <-stall })
	d := h.NewDoor(t, func(o *googlehttp.Options) {
		o.RevokeURL = hang.URL + "/revoke"
		o.Timeouts = short
	})
	expectTimeout(t, "a revocation Google never answers", d.Revoke(timedCtx(t), user))
	var reasons []string
	for _, e := range h.Entries(t, user) {
		if e.Event == audit.EventRevoke && e.Outcome == audit.OutcomeError {
			reasons = append(reasons, e.ErrorReason)
		}
	}
	if len(reasons) == 0 || reasons[0] != "timeout" {
		t.Errorf("the revocation's failed entries give reasons %q, want timeout", reasons)
	}
}

// TestRefreshStalledBodyTimeout refreshes at a token endpoint that sends its
// headers and then nothing: golang.org/x/oauth2 keeps only the text of the
// error that ends the body, which must still say timeout.
func TestRefreshStalledBodyTimeout(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	user := h.Authorize(t, h.People[0], allScopes...)
	h.expire(t, user)
	stalls := upstream(t, func(w http.ResponseWriter, _ *http.Request, stall <-chan struct{}) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"access_token":`))
		w.(http.Flusher).Flush()
		<-stall
	})
	d := h.NewDoor(t, func(o *googlehttp.Options) {
		oauth := *o.OAuth2
		oauth.Endpoint.TokenURL = stalls.URL + "/token"
		o.OAuth2, o.Timeouts = &oauth, short
	})
	_, err := newServices(t, h.URLs, d, user).drive.Files.List().Context(timedCtx(t)).Do()
	expectTimeout(t, "files.list whose refresh answer stalls", err)
}
