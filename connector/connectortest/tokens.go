package connectortest

import (
	"context"
	"fmt"
	"sync"

	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
)

// MemTokens is an in-memory googlehttp.TokenStore. It is safe for
// concurrent use.
type MemTokens struct {
	mu   sync.Mutex
	toks map[string]oauth2.Token
}

var _ googlehttp.TokenStore = (*MemTokens)(nil)

// NewMemTokens returns an empty store.
func NewMemTokens() *MemTokens { return &MemTokens{toks: make(map[string]oauth2.Token)} }

// Load returns a copy of the user's token, or an error wrapping
// googlehttp.ErrNoToken when none is stored.
func (m *MemTokens) Load(_ context.Context, userID string) (*oauth2.Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.toks[userID]
	if !ok {
		return nil, fmt.Errorf("connectortest: loading token of %s: %w", userID, googlehttp.ErrNoToken)
	}
	return &t, nil
}

// Save stores a copy of tok; a token without a refresh token keeps the
// stored one, and one without a "scope" extra keeps the stored scope, as
// googlehttp.TokenStore asks.
func (m *MemTokens) Save(_ context.Context, userID string, tok *oauth2.Token) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	old := m.toks[userID]
	if scope, _ := tok.Extra("scope").(string); scope == "" {
		if kept, _ := old.Extra("scope").(string); kept != "" {
			tok = tok.WithExtra(map[string]any{"scope": kept})
		}
	}
	t := *tok
	if t.RefreshToken == "" {
		t.RefreshToken = old.RefreshToken
	}
	m.toks[userID] = t
	return nil
}
