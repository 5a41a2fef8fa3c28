package googletest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/scopes"
)

// idTokenTTL is the lifetime of an ID token.
const idTokenTTL = time.Hour

// signingKey is generated once per process: every fake in the process signs
// with it, which keeps starting a fake cheap in tests.
var signingKey = sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) })

// idTokenSigner signs ID tokens with RS256 and publishes its public key.
type idTokenSigner struct {
	signer jose.Signer
	public jose.JSONWebKey
}

func newIDTokenSigner() (*idTokenSigner, error) {
	key, err := signingKey()
	if err != nil {
		return nil, fmt.Errorf("generating the ID token key: %w", err)
	}
	public := jose.JSONWebKey{Key: &key.PublicKey, Algorithm: string(jose.RS256), Use: "sig"}
	thumb, err := public.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("ID token key thumbprint: %w", err)
	}
	public.KeyID = base64.RawURLEncoding.EncodeToString(thumb[:20])
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: public.KeyID}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return nil, fmt.Errorf("ID token signer: %w", err)
	}
	return &idTokenSigner{signer: signer, public: public}, nil
}

// idClaims are the claims of Google's ID tokens. Email claims are present
// when the email scope was granted, name and picture with profile.
type idClaims struct {
	Issuer        string `json:"iss"`
	AuthorizedBy  string `json:"azp"`
	Audience      string `json:"aud"`
	Subject       string `json:"sub"`
	HostedDomain  string `json:"hd,omitempty"`
	Email         string `json:"email,omitempty"`
	EmailVerified *bool  `json:"email_verified,omitempty"`
	AccessHash    string `json:"at_hash,omitempty"`
	Nonce         string `json:"nonce,omitempty"`
	Name          string `json:"name,omitempty"`
	Picture       string `json:"picture,omitempty"`
	GivenName     string `json:"given_name,omitempty"`
	FamilyName    string `json:"family_name,omitempty"`
	IssuedAt      int64  `json:"iat"`
	Expiry        int64  `json:"exp"`
}

// idClaims returns the ID token claims for p, issued by issuer to a client
// along with access token at.
func (s *Server) idClaims(issuer string, p workspace.Person, clientID string, granted []string, nonce, at string) idClaims {
	now := s.now()
	sum := sha256.Sum256([]byte(at))
	c := idClaims{
		Issuer: issuer, AuthorizedBy: clientID, Audience: clientID, Subject: p.ID,
		HostedDomain: s.ws.Domain, AccessHash: base64.RawURLEncoding.EncodeToString(sum[:16]), Nonce: nonce,
		IssuedAt: now.Unix(), Expiry: now.Add(idTokenTTL).Unix(),
	}
	if slices.Contains(granted, scopes.UserinfoEmail) {
		verified := true
		c.Email, c.EmailVerified = p.Email, &verified
	}
	if slices.Contains(granted, scopes.UserinfoProfile) {
		c.Name, c.Picture, c.GivenName, c.FamilyName = p.DisplayName, p.PhotoURL, p.GivenName, p.FamilyName
	}
	return c
}

// sign returns the compact serialization of a signed ID token.
func (k *idTokenSigner) sign(c idClaims) string {
	tok, err := jwt.Signed(k.signer).Claims(c).Serialize()
	if err != nil {
		// Signing plain claims with an in-memory RSA key cannot fail.
		panic(fmt.Sprintf("googletest: signing an ID token: %v", err))
	}
	return tok
}

// verify checks an ID token's signature and returns its claims.
func (k *idTokenSigner) verify(raw string) (map[string]any, error) {
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return nil, err
	}
	var claims map[string]any
	if err := tok.Claims(k.public.Key, &claims); err != nil {
		return nil, err
	}
	return claims, nil
}
