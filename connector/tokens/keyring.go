package tokens

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
)

// KeySize is the size of an AES-256 key in bytes.
const KeySize = 32

// aadPrefix starts the additional data of every sealed token; it names the
// format so that a later format cannot be confused with this one.
const aadPrefix = "scopetrail-token-v1|"

var keyIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,32}$`)

// Keyring holds the token-sealing keys, each with an id. The newest key
// seals; every key opens what it sealed. Its String, GoString and LogValue
// name the key ids only.
type Keyring struct {
	keys []key // oldest first
}

type key struct {
	id   string
	aead cipher.AEAD
}

// ParseKeyring parses a keyring spec, "k1:BASE64,k2:BASE64", where each key
// is 32 random bytes in base64 (standard or URL alphabet, padded or not) and
// the last key is the newest. The returned error reports every bad key at
// once, one per line (it is an errors.Join), for example:
//
//	key "k2" is 12 bytes, want 32 (base64 of 32 random bytes)
//
// Errors never contain key material.
func ParseKeyring(spec string) (*Keyring, error) {
	var kr Keyring
	var errs []error
	for i, entry := range strings.Split(spec, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		id, b64, ok := strings.Cut(entry, ":")
		id = strings.TrimSpace(id)
		switch {
		case !ok || id == "":
			errs = append(errs, fmt.Errorf("key %d has no id: want ID:BASE64", i+1))
			continue
		case !keyIDPattern.MatchString(id):
			// The id is not quoted: a key written first (BASE64:ID) would be.
			errs = append(errs, fmt.Errorf("key %d: its id must be 1 to 32 letters, digits, '.', '_' or '-': want ID:BASE64, the id first", i+1))
			continue
		case slices.ContainsFunc(kr.keys, func(k key) bool { return k.id == id }):
			errs = append(errs, fmt.Errorf("key id %q appears twice", id))
			continue
		}
		raw, err := decodeKey(strings.TrimSpace(b64))
		if err != nil {
			errs = append(errs, fmt.Errorf("key %q is not base64 (want base64 of %d random bytes)", id, KeySize))
			continue
		}
		if len(raw) != KeySize {
			errs = append(errs, fmt.Errorf("key %q is %d bytes, want %d (base64 of %d random bytes)", id, len(raw), KeySize, KeySize))
			continue
		}
		k, err := newKey(id, raw)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		kr.keys = append(kr.keys, k)
	}
	if len(errs) == 0 && len(kr.keys) == 0 {
		errs = append(errs, errors.New("no keys: want ID:BASE64[,ID:BASE64...], newest last"))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &kr, nil
}

// GenerateKey returns a new random key in the base64 form ParseKeyring
// reads, for a demo or for a key about to be added to a keyring.
func GenerateKey() string {
	raw := make([]byte, KeySize)
	rand.Read(raw)
	return base64.StdEncoding.EncodeToString(raw)
}

// decodeKey decodes standard or URL-safe base64, padded or not.
func decodeKey(s string) ([]byte, error) {
	var err error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		var raw []byte
		if raw, err = enc.DecodeString(s); err == nil {
			return raw, nil
		}
	}
	return nil, err
}

func newKey(id string, raw []byte) (key, error) {
	block, err := aes.NewCipher(raw)
	if err != nil {
		return key{}, fmt.Errorf("key %q: %w", id, err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return key{}, fmt.Errorf("key %q: %w", id, err)
	}
	return key{id: id, aead: aead}, nil
}

// IDs returns the key ids, oldest first.
func (kr *Keyring) IDs() []string {
	ids := make([]string, len(kr.keys))
	for i, k := range kr.keys {
		ids[i] = k.id
	}
	return ids
}

// NewestID returns the id of the key that seals.
func (kr *Keyring) NewestID() string { return kr.newest().id }

func (kr *Keyring) newest() key { return kr.keys[len(kr.keys)-1] }

// String names the key ids, newest last, and never shows key material.
func (kr *Keyring) String() string { return "tokens.Keyring[" + strings.Join(kr.IDs(), ",") + "]" }

// GoString is String, so that %#v does not print key material either.
func (kr *Keyring) GoString() string { return kr.String() }

// LogValue logs the key ids only.
func (kr *Keyring) LogValue() slog.Value {
	return slog.GroupValue(slog.Any("key_ids", kr.IDs()), slog.String("newest", kr.NewestID()))
}

// seal encrypts plaintext for a user under the newest key and returns that
// key's id and base64(nonce || ciphertext).
func (kr *Keyring) seal(userID string, plaintext []byte) (keyID, sealed string) {
	k := kr.newest()
	nonce := make([]byte, k.aead.NonceSize())
	rand.Read(nonce)
	out := k.aead.Seal(nonce, nonce, plaintext, aad(userID, k.id))
	return k.id, base64.StdEncoding.EncodeToString(out)
}

// open decrypts what seal returned. It returns ErrUnknownKey if keyID is not
// in the keyring and ErrOpen if the value does not authenticate for userID
// and keyID.
func (kr *Keyring) open(userID, keyID, sealed string) ([]byte, error) {
	i := slices.IndexFunc(kr.keys, func(k key) bool { return k.id == keyID })
	if i < 0 {
		return nil, fmt.Errorf("key %q: %w", keyID, ErrUnknownKey)
	}
	k := kr.keys[i]
	raw, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil || len(raw) < k.aead.NonceSize() {
		return nil, fmt.Errorf("key %q: malformed sealed value: %w", keyID, ErrOpen)
	}
	n := k.aead.NonceSize()
	plain, err := k.aead.Open(nil, raw[:n], raw[n:], aad(userID, keyID))
	if err != nil {
		return nil, fmt.Errorf("key %q: %w", keyID, ErrOpen)
	}
	return plain, nil
}

func aad(userID, keyID string) []byte { return []byte(aadPrefix + userID + "|" + keyID) }
