package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"time"

	"github.com/scopetrail/scopetrail/connector/tokens"
)

// runKeys is `scopetrail keys generate|rotate`.
func runKeys(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return fmt.Errorf("keys: want `keys generate` or `keys rotate`")
	}
	switch args[0] {
	case "generate":
		return generateKeys(stdout, time.Now())
	case "rotate":
		return rotateTokenKeys(ctx, stdout)
	}
	return fmt.Errorf("keys: unknown subcommand %q; want generate or rotate", args[0])
}

// generateKeys prints fresh keys in .env form.
func generateKeys(w io.Writer, now time.Time) error {
	_, err := fmt.Fprintf(w, `# Fresh ScopeTrail keys. Keep them secret: put them in .env or your secret store.
# To rotate SESSION_KEYS, put the new pair first and keep the old pair after it
# until every session it signed has expired.
SESSION_KEYS=%s
# To rotate TOKEN_KEYS, append the new key last, restart, then run
# `+"`scopetrail keys rotate`"+` and drop the old key.
TOKEN_KEYS=%s
AUDIT_SIGNING_KEY=%s
`, newSessionKeyPair(), newTokenKey("k"+now.UTC().Format("20060102")), newAuditSeed())
	return err
}

// rotateTokenKeys re-seals every stored token under the newest TOKEN_KEYS
// key.
func rotateTokenKeys(ctx context.Context, stdout io.Writer) error {
	_, k, db, err := openConfigured(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := tokens.NewStore(db, k.tokens, time.Now).Rotate(ctx)
	if err != nil {
		return fmt.Errorf("tokens.Store.Rotate: %w", err)
	}
	_, err = fmt.Fprintf(stdout, "re-sealed %d token(s) under key %q\n", n, k.tokens.NewestID())
	return err
}

// newSessionKeyPair returns a HASH:BLOCK pair of fresh base64 keys.
func newSessionKeyPair() string {
	return randomBase64(32) + ":" + randomBase64(32)
}

// newTokenKey returns an ID:BASE64 token key.
func newTokenKey(id string) string { return id + ":" + tokens.GenerateKey() }

// newAuditSeed returns a fresh base64 Ed25519 seed.
func newAuditSeed() string { return randomBase64(32) }

// randomBase64 returns n random bytes in standard base64.
func randomBase64(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return base64.StdEncoding.EncodeToString(b)
}
