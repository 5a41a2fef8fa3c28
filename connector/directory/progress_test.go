package directory_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/directory"
	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/scopes/clocktest"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// holdDoor is the door, except that its second request waits until
// release is closed, so that a test can look at a sync in the middle.
type holdDoor struct {
	door    directory.Door
	held    chan struct{} // closed when the second request arrives
	release chan struct{}
	n       int
}

func (d *holdDoor) Client(userID string) *http.Client {
	inner := d.door.Client(userID)
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if d.n++; d.n == 2 { // the fetcher sends one request at a time
			close(d.held)
			<-d.release
		}
		return inner.Transport.RoundTrip(r)
	})}
}

// TestSyncProgress: a sync that was asked for reads as queued, then as
// running with the people listed so far, and once it ended as done, with
// how long it took; on both databases.
func TestSyncProgress(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		h := newHarness(t, db, 25, 1)
		user := h.authorize(t, h.person(t, 0))
		clock := clocktest.New(now)
		door := &holdDoor{door: h.Door, held: make(chan struct{}), release: make(chan struct{})}
		s := h.syncer(t, func(o *directory.Options) { o.Door, o.PageSize, o.Now = door, 10, clock.Now })

		if err := s.Request(ctx, user); err != nil {
			t.Fatalf("Request: %v", err)
		}
		if st, err := s.Status(ctx, user); err != nil || !st.Queued || st.Running {
			t.Fatalf("Status once asked for = %+v, %v; want queued", st, err)
		}
		clock.Advance(time.Second)
		done := make(chan error, 1)
		go func() { _, err := s.Sync(ctx, user); done <- err }()
		<-door.held
		st := waitStatus(t, s, user, func(st directory.Status) bool { return st.Fetched == 10 })
		if !st.Running || st.Queued || st.Expected != 0 || !st.StartedAt.Equal(now.Add(time.Second)) {
			t.Errorf("Status mid-sync = %+v; want running since %v, not queued, expecting nobody knows how many", st, now.Add(time.Second))
		}
		clock.Advance(3 * time.Second)
		close(door.release)
		if err := <-done; err != nil {
			t.Fatalf("Sync: %v", err)
		}
		st, err := s.Status(ctx, user)
		if err != nil || st.Running || st.Queued || st.People != 25 || st.LastTook != 3*time.Second {
			t.Errorf("Status after the sync = %+v, %v; want 25 people, done in 3s", st, err)
		}

		// A full sync of a directory copied before expects about as many
		// people as the copy holds.
		h.Fake.AddFault(googletest.Fault{Kind: googletest.FaultExpireSyncTokens, Count: 1})
		door = &holdDoor{door: h.Door, held: make(chan struct{}), release: make(chan struct{})}
		s = h.syncer(t, func(o *directory.Options) { o.Door, o.PageSize, o.Now = door, 10, clock.Now })
		go func() { _, err := s.Sync(ctx, user); done <- err }()
		<-door.held // the expired incremental went, the full listing's first page waits
		if st, err := s.Status(ctx, user); err != nil || !st.Running || st.Expected != 25 || st.Fetched != 0 {
			t.Errorf("Status as a full sync starts = %+v, %v; want running, expecting 25", st, err)
		}
		close(door.release)
		if err := <-done; err != nil {
			t.Fatalf("full Sync: %v", err)
		}

		// A request no worker takes stops reading as queued.
		if err := s.Request(ctx, user); err != nil {
			t.Fatal(err)
		}
		clock.Advance(directory.QueuedFor)
		if st, _ := s.Status(ctx, user); st.Queued {
			t.Errorf("a request %v old still reads as queued", directory.QueuedFor)
		}
	})
}

// waitStatus polls a user's Status until ok accepts it, for at most 5 s.
func waitStatus(t *testing.T, s *directory.Syncer, user string, ok func(directory.Status) bool) directory.Status {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		st, err := s.Status(context.Background(), user)
		if err != nil {
			t.Fatalf("Status: %v", err)
		}
		if ok(st) || time.Now().After(deadline) {
			return st
		}
		time.Sleep(5 * time.Millisecond)
	}
}
