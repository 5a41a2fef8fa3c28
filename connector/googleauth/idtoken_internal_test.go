package googleauth

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"golang.org/x/oauth2"
)

// TestVerifyIDTokenClaims checks the ID token claims go-oidc leaves to the
// client: azp with several audiences (OIDC Core §3.1.3.7) and an iat in the
// future.
func TestVerifyIDTokenClaims(t *testing.T) {
	t.Parallel()
	const issuer, us = "https://issuer.example", "our-client"
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Truncate(time.Second)
	f := &Flow{cfg: Config{ClientID: us}, now: func() time.Time { return now }}
	f.verifier = oidc.NewVerifier(issuer, &oidc.StaticKeySet{PublicKeys: []crypto.PublicKey{&key.PublicKey}},
		&oidc.Config{ClientID: us, Now: f.now})
	type claims struct {
		Issuer   string   `json:"iss"`
		Subject  string   `json:"sub"`
		Audience []string `json:"aud"`
		AZP      string   `json:"azp,omitempty"`
		Nonce    string   `json:"nonce"`
		IssuedAt int64    `json:"iat"`
		Expiry   int64    `json:"exp"`
	}
	base := claims{Issuer: issuer, Subject: "1001", Audience: []string{us}, Nonce: "n",
		IssuedAt: now.Unix(), Expiry: now.Add(time.Hour).Unix()}
	cases := []struct {
		name   string
		change func(*claims)
		ok     bool
	}{
		{"one audience, no azp", func(*claims) {}, true},
		{"one audience, our azp", func(c *claims) { c.AZP = us }, true},
		{"one audience, another azp", func(c *claims) { c.AZP = "other" }, false},
		{"several audiences, our azp", func(c *claims) { c.Audience, c.AZP = []string{us, "other"}, us }, true},
		{"several audiences, another azp", func(c *claims) { c.Audience, c.AZP = []string{us, "other"}, "other" }, false},
		{"several audiences, no azp", func(c *claims) { c.Audience = []string{us, "other"} }, false},
		{"issued 4 minutes ahead", func(c *claims) { c.IssuedAt = now.Add(4 * time.Minute).Unix() }, true},
		{"issued 6 minutes ahead", func(c *claims) { c.IssuedAt = now.Add(6 * time.Minute).Unix() }, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := base
			tc.change(&c)
			raw, err := jwt.Signed(signer).Claims(c).Serialize()
			if err != nil {
				t.Fatal(err)
			}
			tok := (&oauth2.Token{AccessToken: "at"}).WithExtra(map[string]any{"id_token": raw})
			_, err = f.verifyIDToken(context.Background(), tok, "n")
			if tc.ok && err != nil {
				t.Errorf("verifyIDToken: %v, want success", err)
			}
			if !tc.ok && !errors.Is(err, ErrIDToken) {
				t.Errorf("verifyIDToken: %v, want ErrIDToken", err)
			}
		})
	}
}
