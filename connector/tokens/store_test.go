package tokens_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/connector/tokens"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

var now = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func clock() time.Time { return now }

// newUser creates a user, which a token row refers to.
func newUser(t *testing.T, db *sqldb.DB, email string) string {
	t.Helper()
	u, err := identity.NewStore(db, clock).SignIn(context.Background(), "sub-"+email, email, "", "", nil)
	if err != nil {
		t.Fatalf("SignIn: %v", err)
	}
	return u.ID
}

func keyring(t testing.TB, spec string) *tokens.Keyring {
	t.Helper()
	kr, err := tokens.ParseKeyring(spec)
	if err != nil {
		t.Fatalf("ParseKeyring: %v", err)
	}
	return kr
}

func token(access, refresh, scope string) *oauth2.Token {
	tok := &oauth2.Token{AccessToken: access, TokenType: "Bearer", RefreshToken: refresh, Expiry: now.Add(time.Hour)}
	if scope != "" {
		tok = tok.WithExtra(map[string]any{"scope": scope})
	}
	return tok
}

// tokenView is what the tests compare of a token.
type tokenView struct {
	Access, Type, Refresh, Scope string
	Expiry                       time.Time
}

func view(tok *oauth2.Token) tokenView {
	scope, _ := tok.Extra("scope").(string)
	return tokenView{tok.AccessToken, tok.TokenType, tok.RefreshToken, scope, tok.Expiry}
}

func TestSaveLoad(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		saves       []*oauth2.Token
		want        tokenView
		wantRefresh bool
	}{
		{"round trip", []*oauth2.Token{token("ya29.a", "1//r", "openid email")},
			tokenView{"ya29.a", "Bearer", "1//r", "openid email", now.Add(time.Hour)}, true},
		{"no refresh token", []*oauth2.Token{token("ya29.a", "", "openid")},
			tokenView{"ya29.a", "Bearer", "", "openid", now.Add(time.Hour)}, false},
		{"refresh keeps the refresh token and the scope", []*oauth2.Token{token("ya29.a", "1//r", "openid email"), token("ya29.b", "", "")},
			tokenView{"ya29.b", "Bearer", "1//r", "openid email", now.Add(time.Hour)}, true},
		{"new grant replaces both", []*oauth2.Token{token("ya29.a", "1//r", "openid"), token("ya29.b", "1//s", "openid email")},
			tokenView{"ya29.b", "Bearer", "1//s", "openid email", now.Add(time.Hour)}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
				ctx := context.Background()
				s := tokens.NewStore(db, keyring(t, "k1:"+tokens.GenerateKey()), clock)
				user := newUser(t, db, "ada@example.com")
				for _, tok := range tc.saves {
					if err := s.Save(ctx, user, tok); err != nil {
						t.Fatalf("Save: %v", err)
					}
				}
				got, err := s.Load(ctx, user)
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				if diff := cmp.Diff(tc.want, view(got)); diff != "" {
					t.Errorf("Load (-want +got):\n%s", diff)
				}
				has, err := s.HasRefreshToken(ctx, user)
				if err != nil || has != tc.wantRefresh {
					t.Errorf("HasRefreshToken = %v, %v; want %v", has, err, tc.wantRefresh)
				}
			})
		})
	}
}

func TestDelete(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		t.Parallel()
		ctx := context.Background()
		s := tokens.NewStore(db, keyring(t, "k1:"+tokens.GenerateKey()), clock)
		user := newUser(t, db, "ada@example.com")
		if _, err := s.Load(ctx, user); !errors.Is(err, tokens.ErrNotFound) {
			t.Errorf("Load before Save: error %v, want ErrNotFound", err)
		}
		if has, err := s.HasRefreshToken(ctx, user); has || err != nil {
			t.Errorf("HasRefreshToken before Save = %v, %v; want false", has, err)
		}
		if err := s.Save(ctx, user, token("ya29.a", "1//r", "")); err != nil {
			t.Fatalf("Save: %v", err)
		}
		for range 2 {
			if err := s.Delete(ctx, user); err != nil {
				t.Errorf("Delete: %v", err)
			}
		}
		if _, err := s.Load(ctx, user); !errors.Is(err, tokens.ErrNotFound) {
			t.Errorf("Load after Delete: error %v, want ErrNotFound", err)
		}
		if err := s.Save(ctx, user, &oauth2.Token{}); err == nil {
			t.Error("Save of a token without an access token succeeded")
		}
	})
}

// TestSealBinding checks that a sealed token opens only for its own user and
// under its own key.
func TestSealBinding(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		t.Parallel()
		ctx := context.Background()
		k1 := tokens.GenerateKey()
		s := tokens.NewStore(db, keyring(t, "k1:"+k1), clock)
		ada, bob := newUser(t, db, "ada@example.com"), newUser(t, db, "bob@example.com")
		for _, u := range []string{ada, bob} {
			if err := s.Save(ctx, u, token("ya29."+u, "1//"+u, "openid")); err != nil {
				t.Fatalf("Save: %v", err)
			}
		}
		var sealed string
		if err := db.QueryRow(ctx, "SELECT sealed FROM tokens WHERE user_id = ?", ada).Scan(&sealed); err != nil {
			t.Fatalf("reading sealed token: %v", err)
		}
		if strings.Contains(sealed, "ya29") || strings.Contains(sealed, "1//") {
			t.Fatalf("the sealed column holds the token in the clear")
		}
		if _, err := db.Exec(ctx, "UPDATE tokens SET sealed = ? WHERE user_id = ?", sealed, bob); err != nil {
			t.Fatalf("copying ada's token into bob's row: %v", err)
		}
		cases := []struct {
			name    string
			store   *tokens.Store
			user    string
			wantErr error
		}{
			{"own row opens", s, ada, nil},
			{"row copied to another user", s, bob, tokens.ErrOpen},
			{"wrong key with the same id", tokens.NewStore(db, keyring(t, "k1:"+tokens.GenerateKey()), clock), ada, tokens.ErrOpen},
			{"key not in the keyring", tokens.NewStore(db, keyring(t, "k2:"+k1), clock), ada, tokens.ErrUnknownKey},
		}
		for _, tc := range cases {
			_, err := tc.store.Load(ctx, tc.user)
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("%s: Load error %v, want %v", tc.name, err, tc.wantErr)
			}
			if err != nil && (strings.Contains(err.Error(), "ya29") || strings.Contains(err.Error(), "1//")) {
				t.Errorf("%s: error shows a token: %v", tc.name, err)
			}
		}
	})
}

func TestRotate(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		t.Parallel()
		ctx := context.Background()
		k1, k2 := "k1:"+tokens.GenerateKey(), "k2:"+tokens.GenerateKey()
		ada, bob := newUser(t, db, "ada@example.com"), newUser(t, db, "bob@example.com")
		old := tokens.NewStore(db, keyring(t, k1), clock)
		if err := old.Save(ctx, ada, token("ya29.ada", "1//ada", "openid")); err != nil {
			t.Fatalf("Save: %v", err)
		}

		both := tokens.NewStore(db, keyring(t, k1+","+k2), clock)
		if _, err := both.Load(ctx, ada); err != nil {
			t.Fatalf("Load under the old key after adding a key: %v", err)
		}
		if err := both.Save(ctx, bob, token("ya29.bob", "1//bob", "openid")); err != nil {
			t.Fatalf("Save: %v", err)
		}
		if diff := cmp.Diff(map[string]string{ada: "k1", bob: "k2"}, keyIDs(t, db)); diff != "" {
			t.Errorf("key ids before Rotate (-want +got):\n%s", diff)
		}
		for i, want := range []int{1, 0} {
			n, err := both.Rotate(ctx)
			if err != nil || n != want {
				t.Errorf("Rotate #%d = %d, %v; want %d", i+1, n, err, want)
			}
		}
		if diff := cmp.Diff(map[string]string{ada: "k2", bob: "k2"}, keyIDs(t, db)); diff != "" {
			t.Errorf("key ids after Rotate (-want +got):\n%s", diff)
		}

		newOnly := tokens.NewStore(db, keyring(t, k2), clock)
		for user, want := range map[string]string{ada: "ya29.ada", bob: "ya29.bob"} {
			tok, err := newOnly.Load(ctx, user)
			if err != nil || tok.AccessToken != want {
				t.Errorf("Load after removing the old key: err %v, right token %v", err, err == nil && tok.AccessToken == want)
			}
		}
	})
}

func TestRotateFailsWhole(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		t.Parallel()
		ctx := context.Background()
		k1, k2, k3 := "k1:"+tokens.GenerateKey(), "k2:"+tokens.GenerateKey(), "k3:"+tokens.GenerateKey()
		ada, bob := newUser(t, db, "ada@example.com"), newUser(t, db, "bob@example.com")
		for user, spec := range map[string]string{ada: k1, bob: k2} {
			if err := tokens.NewStore(db, keyring(t, spec), clock).Save(ctx, user, token("ya29.x", "", "")); err != nil {
				t.Fatalf("Save: %v", err)
			}
		}
		before := keyIDs(t, db)
		_, err := tokens.NewStore(db, keyring(t, k1+","+k3), clock).Rotate(ctx)
		if !errors.Is(err, tokens.ErrUnknownKey) || !strings.Contains(err.Error(), bob) {
			t.Errorf("Rotate with a missing key: error %v, want ErrUnknownKey naming %s", err, bob)
		}
		if diff := cmp.Diff(before, keyIDs(t, db), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("a failed Rotate changed rows (-before +after):\n%s", diff)
		}
	})
}

func keyIDs(t *testing.T, db *sqldb.DB) map[string]string {
	t.Helper()
	rows, err := db.Query(context.Background(), "SELECT user_id, key_id FROM tokens")
	if err != nil {
		t.Fatalf("reading key ids: %v", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var u, k string
		if err := rows.Scan(&u, &k); err != nil {
			t.Fatalf("reading key ids: %v", err)
		}
		out[u] = k
	}
	return out
}
