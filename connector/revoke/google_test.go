package revoke_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/connector/connectortest"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

// failingRevoke makes the fake's revoke endpoint answer 503 while it is on;
// it wraps the door's base transport, as an outage between us and Google.
type failingRevoke struct{ on atomic.Bool }

func (f *failingRevoke) RoundTrip(r *http.Request) (*http.Response, error) {
	if f.on.Load() && strings.HasSuffix(r.URL.Path, "/revoke") {
		return &http.Response{StatusCode: http.StatusServiceUnavailable, Header: http.Header{}, Request: r,
			Body: io.NopCloser(strings.NewReader(`{"error":"backend_error"}`))}, nil
	}
	return http.DefaultTransport.RoundTrip(r)
}

// startGoogle starts the fake Google that the replicas of a test share.
func startGoogle(t testing.TB) *connectortest.Google {
	t.Helper()
	return connectortest.StartGoogle(t, connectortest.Options{Generate: workspace.GenerateOptions{Seed: 11, People: 4,
		CalendarsPerPerson: 1, MeetingsPerCalendar: 2, RecordingSize: 1 << 10}})
}

// requests returns how many requests the fake served for a user.
func requests(g *connectortest.Google, email string) int {
	n := 0
	for _, r := range g.Fake.Requests() {
		if r.User == email {
			n++
		}
	}
	return n
}

// assertCut checks that no replica lets a request for u out: each one's
// door refuses to list u's calendars, and the fake serves nothing more for
// u. It returns how many requests the fake served for u.
func assertCut(t *testing.T, g *connectortest.Google, u user, replicas map[string]*replica) int {
	t.Helper()
	served := requests(g, u.Email)
	for name, r := range replicas {
		if err := r.listCalendars(t, u.ID); !errors.Is(err, googlehttp.ErrDenied) {
			t.Errorf("%s listed calendars for the revoked user: %v, want ErrDenied", name, err)
		}
	}
	if n := requests(g, u.Email); n != served {
		t.Errorf("the fake served %d requests for the user after the revocation", n-served)
	}
	return served
}

// honours reports whether Google still honours a token: its refresh
// token still refreshes.
func honours(t testing.TB, g *connectortest.Google, tok *oauth2.Token) bool {
	t.Helper()
	_, err := g.OAuth2Config().TokenSource(context.Background(), &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	var re *oauth2.RetrieveError
	switch {
	case err == nil:
		return true
	case errors.As(err, &re) && re.ErrorCode == "invalid_grant":
		return false
	}
	t.Fatalf("refreshing at the fake: %v", err)
	return false
}
