package grant_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestWriteFetched refuses writes for a revoked grant only, on both
// databases.
func TestWriteFetched(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		s := grant.NewStore(db, nil)
		for _, u := range []string{"u-active", "u-reconnect", "u-revoked"} {
			if _, err := s.Record(ctx, u, "client", []string{scopes.DriveReadonly}); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.MarkReconnect(ctx, "u-reconnect", "invalid_client"); err != nil {
			t.Fatal(err)
		}
		if err := s.Revoke(ctx, "u-revoked", "by an admin"); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			user string
			want error
		}{{"u-active", nil}, {"u-reconnect", nil}, {"u-revoked", grant.ErrRevoked}, {"u-never-granted", nil}} {
			err := grant.WriteFetched(ctx, db, tc.user, func(*sqldb.Tx) error { return nil })
			if !errors.Is(err, tc.want) || tc.want == nil && err != nil {
				t.Errorf("WriteFetched(%s) = %v, want %v", tc.user, err, tc.want)
			}
		}
	})
}

// TestWriteFetchedHoldsRevocation checks that a revocation waits for a
// write that passed the check to commit, so that the purge that follows it
// removes what was written, on both databases.
func TestWriteFetchedHoldsRevocation(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		s := grant.NewStore(db, nil)
		if _, err := s.Record(ctx, "u1", "client", []string{scopes.DriveReadonly}); err != nil {
			t.Fatal(err)
		}
		checked, release := make(chan struct{}), make(chan struct{})
		var once sync.Once
		releaseWrite := func() { once.Do(func() { close(release) }) }
		defer releaseWrite() // Even when the test fails, so that the database can close.
		wrote := make(chan error, 1)
		go func() {
			wrote <- grant.WriteFetched(ctx, db, "u1", func(*sqldb.Tx) error {
				close(checked)
				<-release
				return nil
			})
		}()
		<-checked
		revoked := make(chan error, 1)
		go func() { revoked <- s.Revoke(ctx, "u1", "race") }()
		select {
		case err := <-revoked:
			releaseWrite()
			<-wrote
			t.Fatalf("Revoke returned (%v) while a write that passed the check was open", err)
		case <-time.After(300 * time.Millisecond):
		}
		releaseWrite()
		if err := <-wrote; err != nil {
			t.Fatalf("the write: %v", err)
		}
		if err := <-revoked; err != nil {
			t.Fatalf("Revoke: %v", err)
		}
		err := grant.WriteFetched(ctx, db, "u1", func(*sqldb.Tx) error { return nil })
		if !errors.Is(err, grant.ErrRevoked) {
			t.Errorf("WriteFetched after the revocation = %v, want grant.ErrRevoked", err)
		}
	})
}

// TestListMatchesGet checks that List, which reads every grant at once,
// returns what Get returns for each user, on both databases.
func TestListMatchesGet(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		clock := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		s := grant.NewStore(db, func() time.Time { clock = clock.Add(time.Second); return clock })
		record := func(user, client string, list ...string) {
			t.Helper()
			if _, err := s.Record(ctx, user, client, list); err != nil {
				t.Fatal(err)
			}
		}
		record("u-b", "client-1", scopes.OpenID, scopes.DriveReadonly, scopes.CalendarReadonly)
		record("u-b", "client-2", scopes.DriveReadonly, scopes.DirectoryReadonly)
		record("u-a", "client-1", scopes.CalendarEventsReadonly)
		record("u-c", "client-1")
		for _, step := range []error{
			s.Suspend(ctx, "u-b", scopes.DriveReadonly),
			s.Suspend(ctx, "u-b", scopes.DirectoryReadonly),
			s.Revoke(ctx, "u-a", "by an admin"),
		} {
			if step != nil {
				t.Fatal(step)
			}
		}
		got, err := s.List(ctx)
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		var want []grant.Grant
		for _, u := range []string{"u-a", "u-b", "u-c"} {
			g, err := s.Get(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, g)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("List (-Get +List):\n%s", diff)
		}
	})
}
