package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// head is the chain's id and its latest entry.
type head struct {
	chainID string
	seq     int64
	hash    string
}

// lockHead reads the chain's head and holds it until tx ends: PostgreSQL
// locks the row (SELECT … FOR UPDATE); SQLite transactions already hold the
// database's write lock from their start (BEGIN IMMEDIATE). The first append
// to a database creates the chain, with a new random id.
func (t *Trail) lockHead(ctx context.Context, tx *sqldb.Tx) (head, error) {
	q := "SELECT chain_id, head_seq, head_hash FROM audit_chain WHERE id = 1"
	if tx.Dialect() == sqldb.Postgres {
		q += " FOR UPDATE"
	}
	var h head
	err := tx.QueryRow(ctx, q).Scan(&h.chainID, &h.seq, &h.hash)
	if errors.Is(err, sql.ErrNoRows) {
		id := randomID()
		if _, err := tx.Exec(ctx, `INSERT INTO audit_chain (id, chain_id, head_seq, head_hash, created_at)
			VALUES (1, ?, 0, ?, ?) ON CONFLICT (id) DO NOTHING`, id, genesis(id), t.now().UnixMicro()); err != nil {
			return head{}, fmt.Errorf("creating the chain: %w", err)
		}
		err = tx.QueryRow(ctx, q).Scan(&h.chainID, &h.seq, &h.hash)
	}
	if err != nil {
		return head{}, fmt.Errorf("locking the chain head: %w", err)
	}
	return h, nil
}
