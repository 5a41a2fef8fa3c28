package tokens

import (
	"context"
	"fmt"
	"hash/fnv"
	"sync"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

var _ googlehttp.RefreshLocker = (*Store)(nil)

// refreshLockSpace is the first key of the PostgreSQL advisory locks that
// single-flight refreshes ("ST" and 1); the second is a hash of the user id.
// Two-key advisory locks do not collide with the one-key locks of River.
const refreshLockSpace = 0x53540001

// refreshLocks are the refresh locks of one Store.
type refreshLocks struct {
	// slots bounds the connections that hold or wait for a refresh lock on
	// PostgreSQL, so that the pool keeps connections for the work done
	// while a lock is held (the audit trail, loading and saving tokens).
	slots chan struct{}
	// users holds one lock per user on SQLite, which one process uses.
	users sync.Map
}

func newRefreshLocks(db *sqldb.DB) *refreshLocks {
	n := 8
	if limit := db.Stats().MaxOpenConnections; limit > 0 {
		n = max(1, limit/4)
	}
	return &refreshLocks{slots: make(chan struct{}, n)}
}

// LockRefresh calls fn while it holds the user's refresh lock (see
// googlehttp.RefreshLocker). On PostgreSQL the lock is a transaction-scoped
// advisory lock, held by a transaction that does nothing else and ends
// when fn returns, or when its process or connection dies: replicas on
// one database exclude each other. fn loads and saves tokens in
// transactions of their own, so a token saved while the lock is held is
// committed when the next holder reads it, and it stays saved whatever
// becomes of the lock's transaction. On SQLite, which only one process
// uses, the lock is this Store's. Waiting for the lock, and for a
// connection to take it with, ends with ctx; once taken, it is held until
// fn returns.
func (s *Store) LockRefresh(ctx context.Context, userID string, fn func(ctx context.Context) error) error {
	if s.db.Dialect != sqldb.Postgres {
		l, _ := s.locks.users.LoadOrStore(userID, make(chan struct{}, 1))
		unlock, err := acquire(ctx, l.(chan struct{}))
		if err != nil {
			return fmt.Errorf("tokens: locking the refresh of %s: %w", userID, err)
		}
		defer unlock()
		return fn(ctx)
	}
	unlock, err := acquire(ctx, s.locks.slots)
	if err != nil {
		return fmt.Errorf("tokens: locking the refresh of %s: %w", userID, err)
	}
	defer unlock()
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("tokens: locking the refresh of %s: %w", userID, err)
	}
	defer conn.Close()
	// The transaction does not end with ctx, but when fn returns: a
	// caller that leaves must not free the lock while its refresh may still
	// be on its way. fn's own work ends with ctx.
	tx, err := conn.BeginTx(context.WithoutCancel(ctx), nil)
	if err != nil {
		return fmt.Errorf("tokens: locking the refresh of %s: %w", userID, err)
	}
	// Ending the transaction releases the lock; a rollback that fails
	// means the connection is gone, which releases it too.
	defer tx.Rollback()
	h := fnv.New32a()
	h.Write([]byte(userID))
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1, $2)", refreshLockSpace, int32(h.Sum32())); err != nil {
		return fmt.Errorf("tokens: locking the refresh of %s: %w", userID, err)
	}
	return fn(ctx)
}

// acquire takes one place of sem, unless ctx ends first, and returns the
// function that gives it back.
func acquire(ctx context.Context, sem chan struct{}) (release func(), err error) {
	select {
	case sem <- struct{}{}:
		return func() { <-sem }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
