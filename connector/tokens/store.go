package tokens

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// Store keeps one sealed token per user in the database, and single-flights
// the refreshes of a user's token across the processes that share it
// (LockRefresh).
type Store struct {
	db    *sqldb.DB
	keys  *Keyring
	now   func() time.Time
	locks *refreshLocks
}

// NewStore returns a Store that seals with keys. now stamps updates; nil
// means time.Now.
func NewStore(db *sqldb.DB, keys *Keyring, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{db: db, keys: keys, now: now, locks: newRefreshLocks(db)}
}

// sealedToken is the plaintext that is sealed: the parts of an oauth2.Token
// ScopeTrail needs, with the granted scopes from the token response.
type sealedToken struct {
	AccessToken  string    `json:"access_token"`
	TokenType    string    `json:"token_type,omitempty"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	Expiry       time.Time `json:"expiry,omitzero"`
	Scope        string    `json:"scope,omitempty"`
}

// Save seals and stores a user's token, replacing the stored one. A token
// without a refresh token (as a refresh response usually is) keeps the
// stored refresh token; one without a "scope" extra keeps the stored scope,
// as RFC 6749 §5.1 says an omitted scope is unchanged.
func (s *Store) Save(ctx context.Context, userID string, tok *oauth2.Token) error {
	if tok == nil || tok.AccessToken == "" {
		return fmt.Errorf("tokens: saving token of %s: no access token", userID)
	}
	st := sealedToken{AccessToken: tok.AccessToken, TokenType: tok.TokenType, RefreshToken: tok.RefreshToken, Expiry: tok.Expiry.UTC()}
	st.Scope, _ = tok.Extra("scope").(string)
	err := s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		if st.RefreshToken == "" || st.Scope == "" {
			old, err := s.load(ctx, tx, userID)
			switch {
			case errors.Is(err, ErrNotFound):
			case err != nil:
				return err
			default:
				st.RefreshToken = cmp.Or(st.RefreshToken, old.RefreshToken)
				st.Scope = cmp.Or(st.Scope, old.Scope)
			}
		}
		plain, err := json.Marshal(st)
		if err != nil {
			return fmt.Errorf("encoding token: %w", err)
		}
		keyID, sealed := s.keys.seal(userID, plain)
		var expiry int64
		if !st.Expiry.IsZero() {
			expiry = sqldb.Micros(st.Expiry)
		}
		_, err = tx.Exec(ctx, `INSERT INTO tokens (user_id, key_id, sealed, has_refresh, expiry, updated_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET key_id = excluded.key_id, sealed = excluded.sealed,
			has_refresh = excluded.has_refresh, expiry = excluded.expiry, updated_at = excluded.updated_at`,
			userID, keyID, sealed, boolInt(st.RefreshToken != ""), expiry, sqldb.Micros(s.now()))
		if err != nil {
			return fmt.Errorf("writing token: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("tokens: saving token of %s: %w", userID, err)
	}
	return nil
}

// Load returns a user's token, with the granted scopes as its "scope" extra.
// It returns ErrNotFound if none is stored, and ErrUnknownKey or ErrOpen if
// the stored token cannot be opened.
func (s *Store) Load(ctx context.Context, userID string) (*oauth2.Token, error) {
	st, err := s.load(ctx, s.db, userID)
	if err != nil {
		return nil, fmt.Errorf("tokens: loading token of %s: %w", userID, err)
	}
	tok := &oauth2.Token{AccessToken: st.AccessToken, TokenType: st.TokenType, RefreshToken: st.RefreshToken, Expiry: st.Expiry}
	if st.Scope != "" {
		tok = tok.WithExtra(map[string]any{"scope": st.Scope})
	}
	return tok, nil
}

// Delete removes a user's token. Deleting a token that is not there is not an
// error.
func (s *Store) Delete(ctx context.Context, userID string) error {
	if _, err := s.db.Exec(ctx, "DELETE FROM tokens WHERE user_id = ?", userID); err != nil {
		return fmt.Errorf("tokens: deleting token of %s: %w", userID, err)
	}
	return nil
}

// HasRefreshToken reports whether a refresh token is stored for the user,
// without opening the token.
func (s *Store) HasRefreshToken(ctx context.Context, userID string) (bool, error) {
	var has int
	err := s.db.QueryRow(ctx, "SELECT has_refresh FROM tokens WHERE user_id = ?", userID).Scan(&has)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("tokens: checking refresh token of %s: %w", userID, err)
	}
	return has == 1, nil
}

// Rotate re-seals every token that is not sealed under the newest key, in
// one transaction, and returns how many it re-sealed. Running it again
// re-seals nothing. Once it has run, older keys may leave the keyring. It
// returns ErrUnknownKey or ErrOpen, naming the user, if a token cannot be
// opened; then nothing is re-sealed.
func (s *Store) Rotate(ctx context.Context) (resealed int, err error) {
	newest := s.keys.NewestID()
	err = s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		type row struct{ userID, keyID, sealed string }
		rows, err := tx.Query(ctx, "SELECT user_id, key_id, sealed FROM tokens WHERE key_id <> ? ORDER BY user_id", newest)
		if err != nil {
			return fmt.Errorf("listing tokens: %w", err)
		}
		var old []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.userID, &r.keyID, &r.sealed); err != nil {
				rows.Close()
				return fmt.Errorf("listing tokens: %w", err)
			}
			old = append(old, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("listing tokens: %w", err)
		}
		for _, r := range old {
			plain, err := s.keys.open(r.userID, r.keyID, r.sealed)
			if err != nil {
				return fmt.Errorf("opening token of %s: %w", r.userID, err)
			}
			keyID, sealed := s.keys.seal(r.userID, plain)
			if _, err := tx.Exec(ctx, "UPDATE tokens SET key_id = ?, sealed = ? WHERE user_id = ?", keyID, sealed, r.userID); err != nil {
				return fmt.Errorf("re-sealing token of %s: %w", r.userID, err)
			}
		}
		resealed = len(old)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("tokens: rotating to key %q: %w", newest, err)
	}
	return resealed, nil
}

// load reads and opens a user's token. It returns ErrNotFound if none is
// stored.
func (s *Store) load(ctx context.Context, q sqldb.Querier, userID string) (sealedToken, error) {
	var keyID, sealed string
	err := q.QueryRow(ctx, "SELECT key_id, sealed FROM tokens WHERE user_id = ?", userID).Scan(&keyID, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return sealedToken{}, ErrNotFound
	}
	if err != nil {
		return sealedToken{}, fmt.Errorf("reading token: %w", err)
	}
	plain, err := s.keys.open(userID, keyID, sealed)
	if err != nil {
		return sealedToken{}, err
	}
	var st sealedToken
	if err := json.Unmarshal(plain, &st); err != nil {
		return sealedToken{}, errors.New("decoding opened token: malformed JSON")
	}
	return st, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
