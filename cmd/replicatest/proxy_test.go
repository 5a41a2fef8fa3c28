package replicatest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// upstream is a stand-in for Google that counts what it served.
type upstream struct {
	*httptest.Server
	served atomic.Int64
}

func newUpstream(t *testing.T) *upstream {
	t.Helper()
	u := &upstream{}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.served.Add(1)
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/token" {
			io.WriteString(w, `{"access_token":"ya29.x","expires_in":3599,"token_type":"Bearer"}`)
			return
		}
		io.WriteString(w, `{"files":[`+strings.Repeat(`{"id":"f"},`, 100)+`{"id":"g"}]}`)
	}))
	t.Cleanup(u.Close)
	return u
}

// proxyFor starts a proxy to u that always injects one fault.
func proxyFor(t *testing.T, u *upstream, o ProxyOptions) *Proxy {
	t.Helper()
	p, err := StartProxy(u.URL, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	p.SetFaultRate(1)
	return p
}

// fresh is a client that never reuses a connection, so that Go's
// transport never replays a request on another.
var fresh = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

func TestProxyFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fault      Fault
		wantStatus int  // 0: no answer
		wantCut    bool // the body ends early
		wantServed int64
	}{
		{FaultTooMany, http.StatusTooManyRequests, false, 0},
		{FaultUnavailable, http.StatusServiceUnavailable, false, 0},
		{FaultCut, http.StatusOK, true, 1},
		{FaultReset, 0, false, 1},
		{FaultHang, http.StatusOK, false, 1},
	}
	for _, tt := range tests {
		t.Run(string(tt.fault), func(t *testing.T) {
			t.Parallel()
			u := newUpstream(t)
			p := proxyFor(t, u, ProxyOptions{Faults: []Fault{tt.fault}, Hang: 100 * time.Millisecond})
			start := time.Now()
			res, err := fresh.Get(p.URL + "/drive/v3/files")
			switch {
			case tt.wantStatus == 0:
				if err == nil {
					res.Body.Close()
					t.Fatalf("status %d, want the connection closed without an answer", res.StatusCode)
				}
			case err != nil:
				t.Fatal(err)
			default:
				_, rerr := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != tt.wantStatus || (rerr != nil) != tt.wantCut {
					t.Errorf("status %d, body error %v; want %d, cut %v", res.StatusCode, rerr, tt.wantStatus, tt.wantCut)
				}
			}
			if tt.fault == FaultHang && time.Since(start) < 100*time.Millisecond {
				t.Errorf("answered after %s, want the hang of 100ms", time.Since(start))
			}
			if got := u.served.Load(); got != tt.wantServed {
				t.Errorf("Google served %d requests, want %d", got, tt.wantServed)
			}
			if got := p.Injected()[tt.fault]; got != 1 {
				t.Errorf("Injected()[%s] = %d, want 1", tt.fault, got)
			}
		})
	}
}

// TestProxyHangEndsWhenTheAppGivesUp checks that a hang holds nothing once
// the app's deadline has passed.
func TestProxyHangEndsWhenTheAppGivesUp(t *testing.T) {
	t.Parallel()
	p := proxyFor(t, newUpstream(t), ProxyOptions{Faults: []Fault{FaultHang}, Hang: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.URL+"/calendar/v3/users/me/calendarList", nil)
	if _, err := fresh.Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v, want the deadline exceeded", err)
	}
}

// TestProxyLeavesCodeExchangesAlone checks that only refresh grants of the
// token endpoint are faulted, and that token lifetimes are rewritten.
func TestProxyLeavesCodeExchangesAlone(t *testing.T) {
	t.Parallel()
	u := newUpstream(t)
	p := proxyFor(t, u, ProxyOptions{Faults: []Fault{FaultUnavailable}, TokenLife: 15 * time.Second})
	for grant, want := range map[string]int{"authorization_code": http.StatusOK, "refresh_token": http.StatusServiceUnavailable} {
		res, err := fresh.PostForm(p.URL+"/token", url.Values{"grant_type": {grant}})
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			ExpiresIn int `json:"expires_in"`
		}
		derr := json.NewDecoder(res.Body).Decode(&body)
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("%s: status %d, want %d", grant, res.StatusCode, want)
		}
		if want == http.StatusOK && (derr != nil || body.ExpiresIn != 15) {
			t.Errorf("%s: expires_in %d (%v), want 15", grant, body.ExpiresIn, derr)
		}
	}
}

// TestProxyFaultRate checks that about the rate asked for is faulted.
func TestProxyFaultRate(t *testing.T) {
	t.Parallel()
	p := proxyFor(t, newUpstream(t), ProxyOptions{Faults: []Fault{FaultTooMany}, Seed: 3})
	p.SetFaultRate(0.2)
	const n = 500
	for range n {
		res, err := http.Get(p.URL + "/v1/people:listDirectoryPeople")
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	if got := p.Injected()[FaultTooMany]; got < n*15/100 || got > n*25/100 {
		t.Errorf("%d of %d requests faulted, want about 20%%", got, n)
	}
}
