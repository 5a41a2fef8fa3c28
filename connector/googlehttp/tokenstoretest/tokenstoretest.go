// Package tokenstoretest is the contract of googlehttp.TokenStore: one suite
// of tests that every implementation runs, so that the stores the door is
// given in production and in tests cannot drift apart. It states what the
// door relies on: a missing token is googlehttp.ErrNoToken, a refreshed token
// without a refresh token or a scope keeps the stored ones, every field
// round-trips, users are kept apart, and the store keeps its own copies.
package tokenstoretest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
)

// Subject is one empty store under test.
type Subject struct {
	// Store is the store, holding no token.
	Store googlehttp.TokenStore
	// NewUser returns the id of a new user the store may keep a token for
	// (a database store's tokens refer to a user row).
	NewUser func(t *testing.T) string
}

// expiry is the expiry of the suite's tokens, in UTC and whole
// microseconds, as a database keeps it.
var expiry = time.Date(2026, 3, 1, 10, 0, 0, 123456000, time.UTC)

// Run runs the contract against the stores newSubject returns, a fresh one
// for each test.
func Run(t *testing.T, newSubject func(t *testing.T) Subject) {
	t.Helper()
	for _, tc := range []struct {
		name string
		test func(t *testing.T, s Subject)
	}{
		{"missing token is ErrNoToken", missing},
		{"round trip", roundTrip},
		{"overwrite", overwrite},
		{"refresh without refresh token keeps it", keepsRefreshToken},
		{"token without scope keeps the stored scope", keepsScope},
		{"first token without refresh token", firstWithoutRefresh},
		{"users apart", usersApart},
		{"keeps its own copy", ownCopy},
		{"concurrent use", concurrent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.test(t, newSubject(t))
		})
	}
}

// token is a token as Google's token endpoint returns it; scope "" leaves
// the scope out, as a refresh response may.
func token(access, refresh, scope string) *oauth2.Token {
	tok := &oauth2.Token{AccessToken: access, TokenType: "Bearer", RefreshToken: refresh, Expiry: expiry}
	if scope != "" {
		tok = tok.WithExtra(map[string]any{"scope": scope})
	}
	return tok
}

// view is what the door reads of a token.
type view struct {
	Access, Type, Refresh, Scope string
	Expiry                       time.Time
}

func (v view) String() string {
	return fmt.Sprintf("{access %q, type %q, refresh %q, scope %q, expiry %s}", v.Access, v.Type, v.Refresh, v.Scope, v.Expiry.UTC())
}

func viewOf(tok *oauth2.Token) view {
	scope, _ := tok.Extra("scope").(string)
	return view{tok.AccessToken, tok.TokenType, tok.RefreshToken, scope, tok.Expiry}
}

func save(t *testing.T, s Subject, userID string, tok *oauth2.Token) {
	t.Helper()
	if err := s.Store.Save(context.Background(), userID, tok); err != nil {
		t.Fatalf("Save(%s): %v", userID, err)
	}
}

// expect loads the user's token and compares it with want.
func expect(t *testing.T, s Subject, userID string, want view) {
	t.Helper()
	tok, err := s.Store.Load(context.Background(), userID)
	if err != nil {
		t.Fatalf("Load(%s): %v", userID, err)
	}
	if tok == nil {
		t.Fatalf("Load(%s) returned no token and no error", userID)
	}
	got := viewOf(tok)
	if got.Access != want.Access || got.Type != want.Type || got.Refresh != want.Refresh || got.Scope != want.Scope || !got.Expiry.Equal(want.Expiry) {
		t.Errorf("Load(%s) = %s, want %s", userID, got, want)
	}
}

func missing(t *testing.T, s Subject) {
	tok, err := s.Store.Load(context.Background(), s.NewUser(t))
	if !errors.Is(err, googlehttp.ErrNoToken) {
		t.Errorf("Load of a user without a token: err = %v, want one wrapping googlehttp.ErrNoToken", err)
	}
	if tok != nil {
		t.Errorf("Load of a user without a token returned a token")
	}
}

func roundTrip(t *testing.T, s Subject) {
	u := s.NewUser(t)
	save(t, s, u, token("ya29.a1", "1//r1", "openid https://www.googleapis.com/auth/drive.readonly"))
	expect(t, s, u, view{"ya29.a1", "Bearer", "1//r1", "openid https://www.googleapis.com/auth/drive.readonly", expiry})
}

func overwrite(t *testing.T, s Subject) {
	u := s.NewUser(t)
	save(t, s, u, token("ya29.a1", "1//r1", "openid"))
	later := token("ya29.a2", "1//r2", "openid email")
	later.Expiry = expiry.Add(time.Hour)
	save(t, s, u, later)
	expect(t, s, u, view{"ya29.a2", "Bearer", "1//r2", "openid email", expiry.Add(time.Hour)})
}

// keepsRefreshToken is what the door's refresh relies on: Google's refresh
// response carries no refresh token.
func keepsRefreshToken(t *testing.T, s Subject) {
	u := s.NewUser(t)
	save(t, s, u, token("ya29.a1", "1//r1", "openid"))
	save(t, s, u, token("ya29.a2", "", "openid"))
	expect(t, s, u, view{"ya29.a2", "Bearer", "1//r1", "openid", expiry})
}

// keepsScope: a token response without a scope leaves the granted scope
// unchanged (RFC 6749 §5.1).
func keepsScope(t *testing.T, s Subject) {
	u := s.NewUser(t)
	save(t, s, u, token("ya29.a1", "1//r1", "openid email"))
	save(t, s, u, token("ya29.a2", "", ""))
	expect(t, s, u, view{"ya29.a2", "Bearer", "1//r1", "openid email", expiry})
}

func firstWithoutRefresh(t *testing.T, s Subject) {
	u := s.NewUser(t)
	save(t, s, u, token("ya29.a1", "", ""))
	expect(t, s, u, view{Access: "ya29.a1", Type: "Bearer", Expiry: expiry})
}

func usersApart(t *testing.T, s Subject) {
	ann, bob, cat := s.NewUser(t), s.NewUser(t), s.NewUser(t)
	save(t, s, ann, token("ya29.ann", "1//ann", "openid"))
	save(t, s, bob, token("ya29.bob", "1//bob", "email"))
	save(t, s, bob, token("ya29.bob2", "", ""))
	expect(t, s, ann, view{"ya29.ann", "Bearer", "1//ann", "openid", expiry})
	expect(t, s, bob, view{"ya29.bob2", "Bearer", "1//bob", "email", expiry})
	if _, err := s.Store.Load(context.Background(), cat); !errors.Is(err, googlehttp.ErrNoToken) {
		t.Errorf("Load of a user without a token among others: err = %v, want ErrNoToken", err)
	}
}

// ownCopy: the door changes the token it saved (it puts the old refresh
// token back into the one it returns) and the one it loaded.
func ownCopy(t *testing.T, s Subject) {
	u := s.NewUser(t)
	tok := token("ya29.a1", "1//r1", "openid")
	save(t, s, u, tok)
	tok.AccessToken, tok.RefreshToken = "changed after Save", "changed"
	loaded, err := s.Store.Load(context.Background(), u)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	loaded.AccessToken = "changed after Load"
	expect(t, s, u, view{"ya29.a1", "Bearer", "1//r1", "openid", expiry})
}

// concurrent: syncs of several users refresh through one door at once.
func concurrent(t *testing.T, s Subject) {
	users := []string{s.NewUser(t), s.NewUser(t), s.NewUser(t)}
	var wg sync.WaitGroup
	errs := make(chan error, len(users)*10)
	for _, u := range users {
		for i := range 5 {
			wg.Go(func() {
				ctx := context.Background()
				if err := s.Store.Save(ctx, u, token(fmt.Sprintf("ya29.%s.%d", u, i), "1//"+u, "openid")); err != nil {
					errs <- err
					return
				}
				if _, err := s.Store.Load(ctx, u); err != nil {
					errs <- err
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent Save or Load: %v", err)
	}
	for _, u := range users {
		tok, err := s.Store.Load(context.Background(), u)
		if err != nil {
			t.Errorf("after concurrent use, Load(%s): %v", u, err)
		} else if tok.RefreshToken != "1//"+u {
			t.Errorf("after concurrent use, Load(%s) has the refresh token %q, want 1//%s", u, tok.RefreshToken, u)
		}
	}
}
