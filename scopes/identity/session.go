package identity

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// Session is a server-side browser session.
type Session struct {
	// ID is the secret the browser presents. Only CreateSession and Session
	// return it; the database holds a hash of it.
	ID        string
	UserID    string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// String returns a description of the session without its id.
func (s Session) String() string {
	return fmt.Sprintf("session of user %s until %s", s.UserID, s.ExpiresAt.Format(time.RFC3339))
}

// LogValue keeps the session id out of logs.
func (s Session) LogValue() slog.Value {
	return slog.GroupValue(slog.String("user_id", s.UserID), slog.Time("expires_at", s.ExpiresAt))
}

// CreateSession starts a session for a user that lasts ttl. The returned
// Session.ID is a random 256-bit secret, in URL-safe base64.
func (s *Store) CreateSession(ctx context.Context, userID string, ttl time.Duration) (Session, error) {
	if ttl <= 0 {
		return Session{}, fmt.Errorf("identity: session lifetime %s is not positive", ttl)
	}
	now := s.clock()
	sess := Session{
		ID:        base64.RawURLEncoding.EncodeToString(randomBytes(32)),
		UserID:    userID,
		CreatedAt: now,
		ExpiresAt: now.Add(ttl).Truncate(time.Microsecond),
	}
	_, err := s.db.Exec(ctx, "INSERT INTO sessions (id_hash, user_id, created_at, expires_at, ended_at) VALUES (?, ?, ?, ?, 0)",
		hashSessionID(sess.ID), userID, sqldb.Micros(sess.CreatedAt), sqldb.Micros(sess.ExpiresAt))
	if err != nil {
		return Session{}, fmt.Errorf("identity: creating session for %s: %w", userID, err)
	}
	return sess, nil
}

// Session returns the live session with the given id and its user. It
// returns ErrNotFound if the session does not exist, has ended or has
// expired.
func (s *Store) Session(ctx context.Context, id string) (Session, User, error) {
	row := s.db.QueryRow(ctx, `SELECT s.user_id, s.created_at, s.expires_at, u.id, u.email, u.name, u.picture, u.subject, u.role, u.created_at, u.last_sign_in
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id_hash = ? AND s.ended_at = 0 AND s.expires_at > ?`, hashSessionID(id), sqldb.Micros(s.now()))
	sess := Session{ID: id}
	var u User
	var role string
	var created, expires, userCreated, lastSignIn int64
	err := row.Scan(&sess.UserID, &created, &expires, &u.ID, &u.Email, &u.Name, &u.Picture, &u.Subject, &role, &userCreated, &lastSignIn)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, User{}, fmt.Errorf("identity: session: %w", ErrNotFound)
	}
	if err != nil {
		return Session{}, User{}, fmt.Errorf("identity: reading session: %w", err)
	}
	sess.CreatedAt, sess.ExpiresAt = sqldb.FromMicros(created), sqldb.FromMicros(expires)
	u.Role, u.CreatedAt, u.LastSignIn = Role(role), sqldb.FromMicros(userCreated), sqldb.FromMicros(lastSignIn)
	return sess, u, nil
}

// EndSession ends the session with the given id. Ending a session that is
// unknown or already ended is not an error, so signing out is idempotent.
func (s *Store) EndSession(ctx context.Context, id string) error {
	_, err := s.db.Exec(ctx, "UPDATE sessions SET ended_at = ? WHERE id_hash = ? AND ended_at = 0", sqldb.Micros(s.now()), hashSessionID(id))
	if err != nil {
		return fmt.Errorf("identity: ending session: %w", err)
	}
	return nil
}

// EndUserSessions ends every session of a user and returns how many live
// sessions it ended.
func (s *Store) EndUserSessions(ctx context.Context, userID string) (int, error) {
	now := sqldb.Micros(s.now())
	res, err := s.db.Exec(ctx, "UPDATE sessions SET ended_at = ? WHERE user_id = ? AND ended_at = 0 AND expires_at > ?", now, userID, now)
	if err != nil {
		return 0, fmt.Errorf("identity: ending sessions of %s: %w", userID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("identity: ending sessions of %s: %w", userID, err)
	}
	return int(n), nil
}

// hashSessionID returns the stored form of a session id: hex SHA-256.
func hashSessionID(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}
