package tokens_test

import (
	"encoding/base64"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/tokens"
)

func TestParseKeyring(t *testing.T) {
	t.Parallel()
	k1, k2 := tokens.GenerateKey(), tokens.GenerateKey()
	raw := make([]byte, 32)
	for i := range raw {
		raw[i] = byte(250 + i%6) // bytes that differ between the base64 alphabets
	}
	short := base64.StdEncoding.EncodeToString([]byte("twelve bytes"))
	cases := []struct {
		name       string
		spec       string
		wantIDs    []string
		wantErrors []string
	}{
		{name: "one key", spec: "k1:" + k1, wantIDs: []string{"k1"}},
		{name: "newest last, spaces and empty entries ignored", spec: " k1:" + k1 + " , ,k2:" + k2 + ",", wantIDs: []string{"k1", "k2"}},
		{name: "URL alphabet without padding", spec: "url:" + base64.RawURLEncoding.EncodeToString(raw), wantIDs: []string{"url"}},
		{name: "empty", spec: " ", wantErrors: []string{"no keys: want ID:BASE64[,ID:BASE64...], newest last"}},
		{name: "every bad key at once", spec: k1 + ",k2:" + short + ",k!:" + k1 + ",k3:" + k1 + ",k3:" + k2 + ",k4:not base64!", wantErrors: []string{
			"key 1 has no id: want ID:BASE64",
			`key "k2" is 12 bytes, want 32 (base64 of 32 random bytes)`,
			"key 3: its id must be 1 to 32 letters, digits, '.', '_' or '-': want ID:BASE64, the id first",
			`key id "k3" appears twice`,
			`key "k4" is not base64 (want base64 of 32 random bytes)`,
		}},
		{name: "key written before its id", spec: k1 + ":k1", wantErrors: []string{
			"key 1: its id must be 1 to 32 letters, digits, '.', '_' or '-': want ID:BASE64, the id first",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			kr, err := tokens.ParseKeyring(tc.spec)
			if tc.wantErrors != nil {
				if err == nil {
					t.Fatalf("ParseKeyring succeeded, want errors %q", tc.wantErrors)
				}
				if diff := cmp.Diff(tc.wantErrors, strings.Split(err.Error(), "\n")); diff != "" {
					t.Errorf("errors (-want +got):\n%s", diff)
				}
				for _, secret := range []string{k1, k2, short} {
					if strings.Contains(err.Error(), secret) {
						t.Errorf("error shows key material: %v", err)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseKeyring: %v", err)
			}
			if diff := cmp.Diff(tc.wantIDs, kr.IDs()); diff != "" {
				t.Errorf("IDs (-want +got):\n%s", diff)
			}
			if got, want := kr.NewestID(), tc.wantIDs[len(tc.wantIDs)-1]; got != want {
				t.Errorf("NewestID = %q, want %q", got, want)
			}
		})
	}
}

func TestKeyringHidesKeys(t *testing.T) {
	t.Parallel()
	k1, k2 := tokens.GenerateKey(), tokens.GenerateKey()
	kr, err := tokens.ParseKeyring("old:" + k1 + ",new:" + k2)
	if err != nil {
		t.Fatalf("ParseKeyring: %v", err)
	}
	var logged strings.Builder
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("keys", "keyring", kr)
	outputs := map[string]string{
		"%v":  fmt.Sprintf("%v", kr),
		"%+v": fmt.Sprintf("%+v", kr),
		"%#v": fmt.Sprintf("%#v", kr),
		"%s":  fmt.Sprintf("%s", kr),
		"log": logged.String(),
	}
	for verb, out := range outputs {
		for _, k := range []string{k1, k2} {
			raw, _ := base64.StdEncoding.DecodeString(k)
			if strings.Contains(out, k) || strings.Contains(out, string(raw)) || strings.Contains(out, fmt.Sprint(raw)) {
				t.Errorf("%s shows key material: %s", verb, out)
			}
		}
		if !strings.Contains(out, "old") || !strings.Contains(out, "new") {
			t.Errorf("%s does not name the key ids: %s", verb, out)
		}
	}
}

func TestGenerateKey(t *testing.T) {
	t.Parallel()
	a, b := tokens.GenerateKey(), tokens.GenerateKey()
	if a == b {
		t.Error("GenerateKey returned the same key twice")
	}
	if _, err := tokens.ParseKeyring("k:" + a); err != nil {
		t.Errorf("ParseKeyring of a generated key: %v", err)
	}
}
