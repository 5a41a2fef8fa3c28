package tokens_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/tokens"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestLockRefresh: on both backends, holders of one user's refresh lock
// never overlap, not even through two Stores with their own pools on
// PostgreSQL; another user's lock is not held up; a wait ends with its
// context; and fn's error is what LockRefresh returns.
func TestLockRefresh(t *testing.T) {
	t.Parallel()
	sqldbtest.EachURL(t, func(t *testing.T, url string) {
		kr := keyring(t, "k1:"+tokens.GenerateKey())
		first := sqldbtest.Migrated(t, url)
		stores := []*tokens.Store{tokens.NewStore(first, kr, clock)}
		if strings.HasPrefix(url, "postgres") {
			stores = append(stores, tokens.NewStore(sqldbtest.Migrated(t, url), kr, clock))
		} else {
			stores = append(stores, stores[0]) // one process uses SQLite
		}
		ctx := context.Background()

		var inside, overlaps atomic.Int32
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				err := stores[i%2].LockRefresh(ctx, "u1", func(context.Context) error {
					if inside.Add(1) > 1 {
						overlaps.Add(1)
					}
					time.Sleep(2 * time.Millisecond)
					inside.Add(-1)
					return nil
				})
				if err != nil {
					t.Errorf("LockRefresh: %v", err)
				}
			})
		}
		wg.Wait()
		if n := overlaps.Load(); n != 0 {
			t.Errorf("%d holders of one user's refresh lock overlapped", n)
		}

		held, release := make(chan struct{}), make(chan struct{})
		done := make(chan error, 1)
		go func() {
			done <- stores[0].LockRefresh(ctx, "u1", func(context.Context) error {
				close(held)
				<-release
				return nil
			})
		}()
		<-held
		if err := stores[1].LockRefresh(ctx, "u2", func(context.Context) error { return nil }); err != nil {
			t.Errorf("another user's lock: %v", err)
		}
		short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		called := false
		err := stores[1].LockRefresh(short, "u1", func(context.Context) error { called = true; return nil })
		if called || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("waiting for a held lock past the deadline: called %v, %v; want DeadlineExceeded", called, err)
		}
		close(release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}

		boom := errors.New("boom")
		if err := stores[1].LockRefresh(ctx, "u1", func(context.Context) error { return boom }); !errors.Is(err, boom) {
			t.Errorf("LockRefresh = %v, want fn's error", err)
		}
	})
}
