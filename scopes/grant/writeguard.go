package grant

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// ErrRevoked means the user's grant is revoked: nothing fetched from Google
// for them may be stored any more. Data stores return errors wrapping it
// when a sync that started before the revocation tries to write afterwards.
var ErrRevoked = errors.New("grant: revoked")

// WriteFetched is the one way to store data fetched from Google for userID:
// it runs fn in a transaction on db that first checks the user's grant, and
// returns an error wrapping ErrRevoked, storing nothing, when the grant is
// revoked.
//
// It closes the race between a sync and a revocation, which marks the grant
// revoked before it purges the user's data. On SQLite the transaction holds
// the database's write lock from its start (sqldb.DB.InTx begins
// IMMEDIATE). On PostgreSQL the grant's row is locked FOR SHARE until tx
// ends, so that marking it revoked waits for tx to commit. Either way the
// write either commits before the grant is marked revoked, and the purge
// that follows removes it, or sees the grant revoked and is refused.
//
// A user without any grant has nothing to revoke, so nothing is refused:
// data can only be fetched through a grant, and no grant is ever deleted.
// A grant that needs reconnecting is not revoked either; its data stays
// until the user revokes it.
func WriteFetched(ctx context.Context, db *sqldb.DB, userID string, fn func(*sqldb.Tx) error) error {
	return db.InTx(ctx, func(tx *sqldb.Tx) error {
		if err := checkNotRevoked(ctx, tx, userID); err != nil {
			return err
		}
		return fn(tx)
	})
}

// checkNotRevoked returns an error wrapping ErrRevoked when the grant of
// userID is revoked, locking the grant's row until tx ends on PostgreSQL.
func checkNotRevoked(ctx context.Context, tx *sqldb.Tx, userID string) error {
	q := "SELECT status FROM grants WHERE user_id = ?"
	if tx.Dialect() == sqldb.Postgres {
		q += " FOR SHARE"
	}
	var st Status
	err := tx.QueryRow(ctx, q, userID).Scan(&st)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("checking the grant of %s: %w", userID, err)
	case st == StatusRevoked:
		return fmt.Errorf("storing data fetched for %s: %w", userID, ErrRevoked)
	}
	return nil
}
