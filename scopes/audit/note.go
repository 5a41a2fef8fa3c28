package audit

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// NoteKeyName is the key name in the signature lines of checkpoint notes.
const NoteKeyName = "scopetrail-audit"

// noteOrigin is the origin line of the checkpoints of chain chainID.
func noteOrigin(chainID string) string { return "scopetrail/audit/" + chainID }

// checkpointBody is the text of a checkpoint note, a C2SP tlog-checkpoint:
// the origin (which names the chain), the tree size and the tree hash, then
// extension lines: the checkpoint's number, the previous checkpoint (its
// tree size and the SHA-256 of its whole signed note; absent on number 1),
// the hash of the last entry it covers and when it was signed.
//
//	scopetrail/audit/<chain id>
//	2000
//	<tree hash, base64>
//	number 2
//	prev 1000 <sha-256 of checkpoint 1's note, base64>
//	head <hash of entry 2000, hex>
//	time 2026-03-01T09:00:00.000001Z
type checkpointBody struct {
	ChainID  string
	Size     int64
	Root     tlog.Hash
	Number   int64
	PrevSize int64
	PrevNote string
	Head     string
	Time     time.Time
}

// text writes the body as a note's text.
func (b checkpointBody) text() string {
	var s strings.Builder
	fmt.Fprintf(&s, "%s\n%d\n%s\nnumber %d\n", noteOrigin(b.ChainID), b.Size, encodeHash(b.Root), b.Number)
	if b.Number > 1 {
		fmt.Fprintf(&s, "prev %d %s\n", b.PrevSize, b.PrevNote)
	}
	fmt.Fprintf(&s, "head %s\ntime %s\n", b.Head, b.Time.UTC().Format(time.RFC3339Nano))
	return s.String()
}

// errBadNote means a checkpoint note's text is not one this package writes.
var errBadNote = errors.New("malformed checkpoint note")

// parseCheckpointBody reads a note's text written by text, and nothing
// else: the text must be exactly what text writes for what it read.
func parseCheckpointBody(text string) (checkpointBody, error) {
	var b checkpointBody
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) < 6 || !strings.HasSuffix(text, "\n") {
		return b, errBadNote
	}
	var ok bool
	if b.ChainID, ok = strings.CutPrefix(lines[0], "scopetrail/audit/"); !ok || b.ChainID == "" {
		return b, errBadNote
	}
	var err error
	if b.Size, err = strconv.ParseInt(lines[1], 10, 64); err != nil || b.Size < 1 {
		return b, errBadNote
	}
	if b.Root, err = tlog.ParseHash(lines[2]); err != nil {
		return b, errBadNote
	}
	rest := lines[3:]
	field := func(name string) string {
		if len(rest) == 0 {
			return ""
		}
		v, ok := strings.CutPrefix(rest[0], name+" ")
		if !ok {
			return ""
		}
		rest = rest[1:]
		return v
	}
	if b.Number, err = strconv.ParseInt(field("number"), 10, 64); err != nil || b.Number < 1 {
		return b, errBadNote
	}
	if b.Number > 1 {
		size, hash, _ := strings.Cut(field("prev"), " ")
		if b.PrevSize, err = strconv.ParseInt(size, 10, 64); err != nil || b.PrevSize < 1 || hash == "" {
			return b, errBadNote
		}
		b.PrevNote = hash
	}
	b.Head = field("head")
	if b.Time, err = time.Parse(time.RFC3339Nano, field("time")); err != nil || b.Head == "" || len(rest) != 0 {
		return b, errBadNote
	}
	if b.text() != text {
		return b, errBadNote
	}
	return b, nil
}

// noteHash is what the next checkpoint's prev line records of a note.
func noteHash(msg []byte) string {
	sum := sha256.Sum256(msg)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// noteVerifier returns the verifier of notes signed by pub's key.
func noteVerifier(pub ed25519.PublicKey) (note.Verifier, error) {
	vkey, err := note.NewEd25519VerifierKey(NoteKeyName, pub)
	if err != nil {
		return nil, fmt.Errorf("audit: note verifier key: %w", err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, fmt.Errorf("audit: note verifier: %w", err)
	}
	return v, nil
}

// VerifierKey returns the note verifier key of pub, as
// "scopetrail-audit+<hash>+<key>", with which any signed-note tool checks
// the trail's checkpoints.
func VerifierKey(pub ed25519.PublicKey) (string, error) {
	return note.NewEd25519VerifierKey(NoteKeyName, pub)
}

// noteSigner signs notes with an Ed25519 key under NoteKeyName.
type noteSigner struct {
	priv ed25519.PrivateKey
	hash uint32
}

func newNoteSigner(priv ed25519.PrivateKey) (*noteSigner, error) {
	v, err := noteVerifier(priv.Public().(ed25519.PublicKey))
	if err != nil {
		return nil, err
	}
	return &noteSigner{priv: priv, hash: v.KeyHash()}, nil
}

func (s *noteSigner) Name() string                    { return NoteKeyName }
func (s *noteSigner) KeyHash() uint32                 { return s.hash }
func (s *noteSigner) Sign(msg []byte) ([]byte, error) { return ed25519.Sign(s.priv, msg), nil }

// signBody signs a checkpoint body as a note.
func signBody(priv ed25519.PrivateKey, b checkpointBody) ([]byte, error) {
	s, err := newNoteSigner(priv)
	if err != nil {
		return nil, err
	}
	msg, err := note.Sign(&note.Note{Text: b.text()}, s)
	if err != nil {
		return nil, fmt.Errorf("signing checkpoint %d: %w", b.Number, err)
	}
	return msg, nil
}

// openCheckpoint checks a checkpoint note's signature against pub and
// reads its body.
func openCheckpoint(msg []byte, pub ed25519.PublicKey) (checkpointBody, error) {
	v, err := noteVerifier(pub)
	if err != nil {
		return checkpointBody{}, err
	}
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		return checkpointBody{}, fmt.Errorf("the checkpoint note does not verify with key %s: %w", KeyID(pub), err)
	}
	b, err := parseCheckpointBody(n.Text)
	if err != nil {
		return checkpointBody{}, err
	}
	return b, nil
}
