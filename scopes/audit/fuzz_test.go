package audit

import (
	"bytes"
	"crypto/ed25519"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// FuzzParseCheckpointBody reads checkpoint note texts: no panic, and what
// parses writes back exactly.
func FuzzParseCheckpointBody(f *testing.F) {
	b := checkpointBody{ChainID: "c", Size: 2000, Root: tlog.RecordHash([]byte("x")), Number: 2, PrevSize: 1000,
		PrevNote: "abc=", Head: "00ff", Time: time.Date(2026, 3, 1, 9, 0, 0, 1000, time.UTC)}
	f.Add(b.text())
	b.Number = 1
	f.Add(b.text())
	f.Add("scopetrail/audit/c\n1\n\nnumber 1\nhead x\ntime 2026-03-01T09:00:00Z\n")
	f.Fuzz(func(t *testing.T, text string) {
		b, err := parseCheckpointBody(text)
		if err == nil && b.text() != text {
			t.Errorf("parsed %q, writes %q", text, b.text())
		}
	})
}

// FuzzReadWitness reads witness files and notes: no panic.
func FuzzReadWitness(f *testing.F) {
	f.Add([]byte(`{"number":1,"size":5,"key":"scopetrail-audit+01234567+AQ==","note":"n"}` + "\n"))
	f.Add([]byte("scopetrail/audit/c\n5\nroot\n\n— scopetrail-audit sig\n"))
	f.Add([]byte("{\n\n{}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = ReadWitness(bytes.NewReader(b))
	})
}

// FuzzVerifyExport reads signed exports: no panic, and nothing verifies
// without the checkpoint's signature.
func FuzzVerifyExport(f *testing.F) {
	f.Add([]byte(`{"checkpoint":"x"}` + "\n" + `{"seq":1,"time":"2026-03-01T09:00:00Z","proof":[]}` + "\n"))
	f.Add([]byte("{}\n"))
	pub := testKey().Public().(ed25519.PublicKey)
	f.Fuzz(func(t *testing.T, b []byte) {
		rep, err := VerifyExport(bytes.NewReader(b), pub)
		if err == nil && rep.Proven > 0 {
			t.Errorf("proved %d entries of a file no one signed", rep.Proven)
		}
	})
}
