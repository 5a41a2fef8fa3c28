package connectortest

import (
	"context"
	"errors"
	"sync"

	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
)

// ErrNoToken is what MemTokens.Load returns for a user without a token.
var ErrNoToken = errors.New("connectortest: no token")

// MemTokens is an in-memory googlehttp.TokenStore. It is safe for
// concurrent use.
type MemTokens struct {
	mu   sync.Mutex
	toks map[string]oauth2.Token
}

var _ googlehttp.TokenStore = (*MemTokens)(nil)

// NewMemTokens returns an empty store.
func NewMemTokens() *MemTokens { return &MemTokens{toks: make(map[string]oauth2.Token)} }

// Load returns a copy of the user's token, or ErrNoToken.
func (m *MemTokens) Load(_ context.Context, userID string) (*oauth2.Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.toks[userID]
	if !ok {
		return nil, ErrNoToken
	}
	return &t, nil
}

// Save stores a copy of tok; a token without a refresh token keeps the
// stored one, as googlehttp.TokenStore asks.
func (m *MemTokens) Save(_ context.Context, userID string, tok *oauth2.Token) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	t := *tok
	if t.RefreshToken == "" {
		t.RefreshToken = m.toks[userID].RefreshToken
	}
	m.toks[userID] = t
	return nil
}
