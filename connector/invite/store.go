package invite

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// columns are the columns scan reads, in its order.
const columns = `id, email, invited_by, invited_by_email, created_at, expires_at, status, sent_at, send_error,
	accepted_by, closed_at`

// newToken returns a random 256-bit link token, URL-safe, and its hash.
func newToken() (token, hash string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

// hashToken is what the database keeps of a token.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// newID returns a random invitation id.
func newID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// scan reads one invitation, deciding whether a pending one has expired.
func scan(sc scanner, now time.Time) (Invitation, error) {
	var inv Invitation
	var created, expires, sent, closed int64
	var status string
	if err := sc.Scan(&inv.ID, &inv.Email, &inv.InvitedBy, &inv.InvitedByEmail, &created, &expires, &status, &sent,
		&inv.SendError, &inv.AcceptedBy, &closed); err != nil {
		return Invitation{}, err
	}
	inv.CreatedAt, inv.ExpiresAt, inv.SentAt, inv.ClosedAt = sqldb.FromMicros(created), sqldb.FromMicros(expires), sqldb.FromMicros(sent), sqldb.FromMicros(closed)
	inv.Status = Status(status)
	if inv.Status == StatusPending && !now.Before(inv.ExpiresAt) {
		inv.Status = StatusExpired
	}
	return inv, nil
}

// get returns the invitation with an id, or ErrNotFound.
func (s *Service) get(ctx context.Context, q sqldb.Querier, id string) (Invitation, error) {
	inv, err := scan(q.QueryRow(ctx, "SELECT "+columns+" FROM invitations WHERE id = ?", id), s.now())
	if errors.Is(err, sql.ErrNoRows) {
		return Invitation{}, fmt.Errorf("invitation %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Invitation{}, fmt.Errorf("reading invitation %s: %w", id, err)
	}
	return inv, nil
}

// Get returns the invitation with an id, or an error wrapping ErrNotFound.
func (s *Service) Get(ctx context.Context, id string) (Invitation, error) {
	return s.get(ctx, s.db, id)
}

// List returns every invitation, newest first.
func (s *Service) List(ctx context.Context) ([]Invitation, error) {
	rows, err := s.db.Query(ctx, "SELECT "+columns+" FROM invitations ORDER BY created_at DESC, id")
	if err != nil {
		return nil, fmt.Errorf("listing invitations: %w", err)
	}
	defer rows.Close()
	now := s.now()
	var out []Invitation
	for rows.Next() {
		inv, err := scan(rows, now)
		if err != nil {
			return nil, fmt.Errorf("reading invitations: %w", err)
		}
		out = append(out, inv)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading invitations: %w", err)
	}
	return out, nil
}

// markSent records the outcome of sending an invitation's email.
func (s *Service) markSent(ctx context.Context, id string, sendErr error) error {
	var err error
	if sendErr == nil {
		_, err = s.db.Exec(ctx, "UPDATE invitations SET sent_at = ?, send_error = '' WHERE id = ?", s.now().UnixMicro(), id)
	} else {
		_, err = s.db.Exec(ctx, "UPDATE invitations SET send_error = ? WHERE id = ?", sendErr.Error(), id)
	}
	if err != nil {
		return fmt.Errorf("recording the email of invitation %s: %w", id, err)
	}
	return nil
}

// PurgeName names the invitations in revocation reports and audit
// entries, as revoke.Purger asks.
func (s *Service) PurgeName() string { return "invitations" }

// Purge deletes the invitations a user sent or accepted, and returns how
// many it deleted. Their audit entries stay: they hold no email address.
func (s *Service) Purge(ctx context.Context, userID string) (int64, error) {
	res, err := s.db.Exec(ctx, "DELETE FROM invitations WHERE invited_by = ? OR accepted_by = ?", userID, userID)
	if err != nil {
		return 0, fmt.Errorf("purging the invitations of %s: %w", userID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("purging the invitations of %s: %w", userID, err)
	}
	return n, nil
}
