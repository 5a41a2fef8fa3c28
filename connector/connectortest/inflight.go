package connectortest

import (
	"context"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/googletest"
)

// InFlight is how long WhileInFlight has the fake hold a request.
const InFlight = time.Second

// WhileInFlight runs run in the background, with the fake holding the nth
// request of method for email for InFlight (the ones before it go through
// at once). It waits until the door has let that request out, which the
// audit trail shows as a pending entry, runs during while the request is
// in flight, and returns what run returned.
func (e *Env) WhileInFlight(t testing.TB, email, method string, nth int, run func() error, during func()) error {
	t.Helper()
	if nth > 1 {
		e.Fake.AddFault(googletest.Fault{Method: method, User: email, Kind: googletest.FaultLatency, Count: nth - 1})
	}
	e.Fake.AddFault(googletest.Fault{Method: method, User: email, Kind: googletest.FaultLatency, Count: 1, Delay: InFlight})
	q := "SELECT COUNT(*) FROM audit_entries WHERE method_name = ? AND outcome = 'pending'"
	before := e.Count(t, q, method)
	done := make(chan error, 1)
	go func() { done <- run() }()
	deadline := time.Now().Add(10 * time.Second)
	for e.Count(t, q, method) < before+int64(nth) {
		select {
		case err := <-done:
			t.Fatalf("returned before sending %s: %v", method, err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s request was sent", method)
		}
		time.Sleep(5 * time.Millisecond)
	}
	during()
	return <-done
}

// Count runs a COUNT query on the environment's database.
func (e *Env) Count(t testing.TB, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := e.DB.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}
