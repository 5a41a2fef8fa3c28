package audit

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// TestSignedExport exports a trail with its proofs and checks the file
// offline with the public key alone; then edits an entry line, with and
// without recomputing its hash as an attacker would, and swaps in another
// checkpoint, and the check fails naming the entry.
func TestSignedExport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			tr := newTrail(b.open(t))
			if err := tr.ExportSigned(ctx, &bytes.Buffer{}, Filter{Limit: 100}); !errors.Is(err, ErrNoCheckpoint) {
				t.Errorf("export of an empty trail: %v; want ErrNoCheckpoint", err)
			}
			fill(t, tr, 22)
			subj := sample(99)
			subj.Event, subj.SubjectID, subj.SubjectEmail = EventSuspend, "u9", "u9@example.com"
			subj.Host, subj.BytesSent = "local", 10
			if _, err := tr.Append(ctx, subj); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := tr.ExportSigned(ctx, &out, Filter{Limit: 7}); err != nil {
				t.Fatal(err)
			}
			pub := tr.PublicKey()
			rep, err := VerifyExport(bytes.NewReader(out.Bytes()), pub)
			if err != nil || rep.FirstBad != nil || rep.Entries != 23 || rep.Proven != 20 || rep.Unsigned != 3 || rep.Checkpoint.Number != 4 {
				t.Fatalf("VerifyExport: %+v, %v", rep, err)
			}
			lines := strings.SplitAfter(out.String(), "\n")
			edit := func(i int, change func(*provenRecord)) string {
				var pr provenRecord
				if err := json.Unmarshal([]byte(lines[i]), &pr); err != nil {
					t.Fatal(err)
				}
				change(&pr)
				b, _ := json.Marshal(pr)
				c := append([]string(nil), lines...)
				c[i] = string(b) + "\n"
				return strings.Join(c, "")
			}
			for name, file := range map[string]string{
				"edited": edit(8, func(pr *provenRecord) { pr.Resource = "fileId=other" }),
				"edited and rehashed": edit(8, func(pr *provenRecord) {
					pr.Resource = "fileId=other"
					e, _ := pr.entry()
					var h string
					h, _ = entryHash(formatVersion(&e), storedAt(t, tr.db, 1).chainID, &e)
					pr.Hash = h
				}),
				"proof removed": edit(8, func(pr *provenRecord) { pr.Proof = nil }),
			} {
				rep, err := VerifyExport(strings.NewReader(file), pub)
				if err != nil || rep.FirstBad == nil || rep.FirstBad.Seq != 8 {
					t.Errorf("%s: %+v, %v; want entry 8 found bad", name, rep.FirstBad, err)
				}
			}
			other := ed25519.NewKeyFromSeed(make([]byte, 32)).Public().(ed25519.PublicKey)
			if _, err := VerifyExport(bytes.NewReader(out.Bytes()), other); err == nil {
				t.Error("verified with another key")
			}
		})
	}
}
