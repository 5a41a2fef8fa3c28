package googleauth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// pendingTTL is how long the user has to answer Google's consent page.
const pendingTTL = 10 * time.Minute

// pending is an authorization request waiting for Google's redirect.
type pending struct {
	kind     string
	userID   string // empty for sign-in
	feature  scopes.Feature
	nonce    string
	verifier string // PKCE code verifier
	// scopes are the scopes asked for, as sent.
	scopes  []string
	expires time.Time
}

// savePending stores p under a hash of state and drops expired requests.
func (f *Flow) savePending(ctx context.Context, state string, p pending) error {
	now := f.now()
	if _, err := f.db.Exec(ctx, "DELETE FROM oauth_requests WHERE expires_at <= ?", now.UnixMicro()); err != nil {
		return fmt.Errorf("dropping expired requests: %w", err)
	}
	_, err := f.db.Exec(ctx, `INSERT INTO oauth_requests (state_hash, kind, user_id, feature, nonce, verifier, scopes, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		hashState(state), p.kind, p.userID, string(p.feature), p.nonce, p.verifier, strings.Join(p.scopes, " "), now.UnixMicro(), p.expires.UnixMicro())
	if err != nil {
		return fmt.Errorf("storing pending request: %w", err)
	}
	return nil
}

// consumePending deletes and returns the request stored under state, in one
// statement, so two redirects with the same state cannot both succeed. It
// returns ErrStateMismatch if there is none or it has expired.
func (f *Flow) consumePending(ctx context.Context, state string) (pending, error) {
	var p pending
	var feature, scopeList string
	var expires int64
	err := f.db.QueryRow(ctx, `DELETE FROM oauth_requests WHERE state_hash = ?
		RETURNING kind, user_id, feature, nonce, verifier, scopes, expires_at`, hashState(state)).
		Scan(&p.kind, &p.userID, &feature, &p.nonce, &p.verifier, &scopeList, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return pending{}, fmt.Errorf("%w: no pending request for this state (forged or already used)", ErrStateMismatch)
	}
	if err != nil {
		return pending{}, fmt.Errorf("googleauth: reading pending request: %w", err)
	}
	p.feature, p.scopes, p.expires = scopes.Feature(feature), strings.Fields(scopeList), sqldb.FromMicros(expires)
	if !f.now().Before(p.expires) {
		return pending{}, fmt.Errorf("%w: the request expired at %s", ErrStateMismatch, p.expires.UTC().Format(time.RFC3339))
	}
	return p, nil
}

// hashState returns the stored form of a state: hex SHA-256, so that the
// table does not hold values an attacker could present.
func hashState(state string) string {
	sum := sha256.Sum256([]byte(state))
	return hex.EncodeToString(sum[:])
}

// randomString returns 256 random bits in URL-safe base64.
func randomString() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
