package jobs

import (
	"context"
	"errors"
	"fmt"
)

// riverMigrationLockSpace is the first key of the advisory lock River's
// migrations run under on PostgreSQL ("RV" and 0); the second is a hash of
// the schema's name.
const riverMigrationLockSpace = 0x52560000

// migrationLocked runs fn, which migrates River's tables, while holding a
// PostgreSQL advisory lock on the schema, so that replicas started
// together take turns and the next finds the migrations applied. The lock
// is the session's: released below, or by the server when the connection
// dies with its process.
func (r *Runner) migrationLocked(ctx context.Context, fn func() error) error {
	conn, err := r.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("acquiring a connection for River's migration lock: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1, hashtext(current_schema()))", riverMigrationLockSpace); err != nil {
		return fmt.Errorf("taking River's migration lock: %w", err)
	}
	err = fn()
	if _, uerr := conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1, hashtext(current_schema()))", riverMigrationLockSpace); uerr != nil {
		// A connection that may still hold the lock is closed, not reused.
		err = errors.Join(err, fmt.Errorf("releasing River's migration lock: %w", uerr), conn.Conn().Close(context.WithoutCancel(ctx)))
	}
	return err
}
