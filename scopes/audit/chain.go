package audit

import (
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
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
	mac     string
}

// lockHead reads the chain's head and holds it until tx ends: PostgreSQL
// locks the row (SELECT … FOR UPDATE); SQLite transactions already hold the
// database's write lock from their start (BEGIN IMMEDIATE). The first append
// to a database creates the chain, with a new random id.
func (t *Trail) lockHead(ctx context.Context, tx *sqldb.Tx) (head, error) {
	q := "SELECT chain_id, head_seq, head_hash, head_mac FROM audit_chain WHERE id = 1"
	if tx.Dialect() == sqldb.Postgres {
		q += " FOR UPDATE"
	}
	var h head
	err := tx.QueryRow(ctx, q).Scan(&h.chainID, &h.seq, &h.hash, &h.mac)
	if errors.Is(err, sql.ErrNoRows) {
		id := randomID()
		if _, err := tx.Exec(ctx, `INSERT INTO audit_chain (id, chain_id, head_seq, head_hash, created_at)
			VALUES (1, ?, 0, ?, ?) ON CONFLICT (id) DO NOTHING`, id, genesis(id), t.now().UnixMicro()); err != nil {
			return head{}, fmt.Errorf("creating the chain: %w", err)
		}
		err = tx.QueryRow(ctx, q).Scan(&h.chainID, &h.seq, &h.hash, &h.mac)
	}
	if err != nil {
		return head{}, fmt.Errorf("locking the chain head: %w", err)
	}
	return h, nil
}

// headMACKey derives the key that seals the chain head from the signing
// key: someone who can write the database but does not hold the signing
// key cannot move the head without the appender noticing.
func headMACKey(signer ed25519.PrivateKey) []byte {
	sum := sha256.Sum256(append([]byte(headMACMagic), signer.Seed()...))
	return sum[:]
}

// headMAC seals a chain head; "" without a signing key.
func (t *Trail) headMAC(chainID string, seq int64, hash string) string {
	if t.macKey == nil {
		return ""
	}
	m := hmac.New(sha256.New, t.macKey)
	enc := &encoder{h: m}
	enc.str(chainID)
	enc.int(seq)
	enc.str(hash)
	return enc.sum()
}

// checkHead refuses a head that this trail's key did not seal. A head
// without a seal is one written before seals existed, and is accepted
// while no note checkpoint exists, since the code that writes those also
// seals every head. Without a signing key nothing can be checked.
func (t *Trail) checkHead(ctx context.Context, tx rowQuerier, h head) error {
	if t.macKey == nil || h.seq == 0 {
		return nil
	}
	if h.mac == "" {
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM audit_checkpoints WHERE number > 0").Scan(&n); err != nil {
			return fmt.Errorf("reading checkpoints: %w", err)
		}
		if n == 0 {
			return nil
		}
	}
	if !hmac.Equal([]byte(h.mac), []byte(t.headMAC(h.chainID, h.seq, h.hash))) {
		return inconsistent(h.seq, "the chain head (entry %d) was not moved by this trail's appender: its seal does not match", h.seq)
	}
	return nil
}

// rowQuerier is what *sqldb.DB and *sqldb.Tx offer for reading one row.
type rowQuerier interface {
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
}
