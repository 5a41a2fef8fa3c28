package tokens

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// fuzzKey is a valid base64 key for the seeds.
const fuzzKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="

// FuzzParseKeyring checks ParseKeyring on any spec: it either fails with
// an error that holds no key material (no value that decodes as a key, in
// whichever place of an entry it was written), or it returns a keyring
// whose ids are unique and valid, whose String names only them, and whose
// newest key seals what every key opens for the same user only.
func FuzzParseKeyring(f *testing.F) {
	for _, s := range []string{
		"k1:" + fuzzKey,
		"k1:" + fuzzKey + ",k2:" + strings.TrimRight(fuzzKey, "="),
		" k1 : " + fuzzKey + " , ",
		fuzzKey + ":k1",
		fuzzKey,
		"k1:" + fuzzKey + ",k1:" + fuzzKey,
		"k1:c2hvcnQ=",
		"k1:not base64!",
		":" + fuzzKey,
		"a/b:" + fuzzKey,
		"",
		",,,",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		kr, err := ParseKeyring(spec)
		if err != nil {
			if kr != nil {
				t.Fatalf("ParseKeyring(%q) returned a keyring and an error", spec)
			}
			for _, part := range strings.FieldsFunc(spec, func(r rune) bool { return r == ',' || r == ':' || r == ' ' }) {
				if raw, derr := decodeKey(strings.TrimSpace(part)); derr == nil && len(raw) >= KeySize && strings.Contains(err.Error(), strings.TrimSpace(part)) {
					t.Fatalf("ParseKeyring(%q): the error shows key material %q: %v", spec, part, err)
				}
			}
			return
		}
		ids := kr.IDs()
		if len(ids) == 0 {
			t.Fatalf("ParseKeyring(%q) returned an empty keyring", spec)
		}
		seen := map[string]bool{}
		for _, id := range ids {
			if !keyIDPattern.MatchString(id) || seen[id] {
				t.Fatalf("ParseKeyring(%q): bad or repeated id %q in %v", spec, id, ids)
			}
			seen[id] = true
		}
		if want := "tokens.Keyring[" + strings.Join(ids, ",") + "]"; kr.String() != want {
			t.Fatalf("String() = %q, want %q", kr.String(), want)
		}
		plain := []byte(spec)
		keyID, sealed := kr.seal("u-1", plain)
		if keyID != kr.NewestID() {
			t.Fatalf("sealed under %q, want the newest key %q", keyID, kr.NewestID())
		}
		if got, err := kr.open("u-1", keyID, sealed); err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("open(seal(%q)) = %q, %v", plain, got, err)
		}
		if _, err := kr.open("u-2", keyID, sealed); !errors.Is(err, ErrOpen) {
			t.Fatalf("another user opened the token: %v", err)
		}
	})
}

// FuzzOpen checks that a sealed value, as the database holds it, opens only
// when it is exactly what seal wrote for that user and key: any other value
// (truncated, flipped, re-encoded, for another user or key id) is ErrOpen
// or ErrUnknownKey, never a panic and never plaintext.
func FuzzOpen(f *testing.F) {
	kr, err := ParseKeyring("old:" + fuzzKey + ",new:" + GenerateKey())
	if err != nil {
		f.Fatal(err)
	}
	_, good := kr.seal("u-1", []byte(`{"access_token":"ya29.x"}`))
	for _, s := range []struct{ user, keyID, sealed string }{
		{"u-1", "new", good},
		{"u-1", "new", good[:len(good)-4]},
		{"u-1", "new", strings.TrimRight(good, "=")},
		{"u-2", "new", good},
		{"u-1", "old", good},
		{"u-1", "gone", good},
		{"u-1", "new", ""},
		{"u-1", "new", "AAAA"},
		{"u-1", "new", "!!!!"},
	} {
		f.Add(s.user, s.keyID, s.sealed)
	}
	f.Fuzz(func(t *testing.T, user, keyID, sealed string) {
		plain, err := kr.open(user, keyID, sealed)
		if err == nil {
			if user != "u-1" || keyID != "new" || sealed != good {
				t.Fatalf("open(%q, %q, %q) gave %q: only the value seal wrote may open", user, keyID, sealed, plain)
			}
			return
		}
		if plain != nil {
			t.Fatalf("open failed (%v) but returned %q", err, plain)
		}
		if !errors.Is(err, ErrOpen) && !errors.Is(err, ErrUnknownKey) {
			t.Fatalf("open(%q, %q, %q) = %v, want ErrOpen or ErrUnknownKey", user, keyID, sealed, err)
		}
		if len(sealed) > 8 && strings.Contains(err.Error(), sealed) {
			t.Fatalf("the error shows the sealed value: %v", err)
		}
	})
}
