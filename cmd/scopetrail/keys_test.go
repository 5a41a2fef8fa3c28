package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/connector/tokens"
	"github.com/scopetrail/scopetrail/scopes/identity"
)

// TestKeysRotate checks that `keys rotate` re-seals stored tokens under the
// newest key, after which the old key can be dropped.
func TestKeysRotate(t *testing.T) {
	dir := t.TempDir()
	dbURL := filepath.Join(dir, "scopetrail.db")
	oldKey, newKey := newTokenKey("k1"), newTokenKey("k2")
	for k, v := range map[string]string{
		"GOOGLE_CLIENT_ID": "", "DATABASE_URL": dbURL, "DEMO_KEYS_FILE": filepath.Join(dir, "keys.env"),
		"TOKEN_KEYS": oldKey + "," + newKey, "SESSION_KEYS": "", "AUDIT_SIGNING_KEY": "",
	} {
		t.Setenv(k, v)
	}
	ctx := context.Background()
	db, err := openDatabase(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u, err := identity.NewStore(db, time.Now).SignIn(ctx, "sub-1", "ana@example.com", "Ana", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	oldRing, err := tokens.ParseKeyring(oldKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := tokens.NewStore(db, oldRing, time.Now).Save(ctx, u.ID, &oauth2.Token{AccessToken: "at", RefreshToken: "rt"}); err != nil {
		t.Fatal(err)
	}

	var out bytes.Buffer
	if err := realMain(ctx, []string{"keys", "rotate"}, &out, &out); err != nil {
		t.Fatalf("keys rotate: %v", err)
	}
	if want := fmt.Sprintf("re-sealed 1 token(s) under key %q\n", "k2"); out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
	}
	newRing, err := tokens.ParseKeyring(newKey)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := tokens.NewStore(db, newRing, time.Now).Load(ctx, u.ID)
	if err != nil || tok.RefreshToken != "rt" {
		t.Errorf("after rotation the new key alone opens %v, %v", tok, err)
	}
}
