package audit

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// Checkpoint is a signed statement about the trail up to entry Seq. From
// migration 00018 on, a checkpoint is a C2SP tlog-checkpoint signed note
// (Note) over the Merkle tree of entries 1 to Seq (Root), numbered from 1
// (Number) and naming the checkpoint before it. Checkpoints written before
// have Number 0 and no Note: their Signature covers the chain's id, Seq,
// Hash and Time.
type Checkpoint struct {
	Seq int64
	// Hash is the hash of entry Seq.
	Hash string
	Time time.Time
	// KeyID names the public key that verifies the checkpoint.
	KeyID string
	// Signature is the base64 Ed25519 signature of an old checkpoint.
	Signature string
	// Number, Root and Note are a note checkpoint's: its number, the
	// base64 tree hash and the whole signed note.
	Number int64
	Root   string
	Note   string
}

// Checkpoint signs the trail up to its current head now, witnesses it and
// returns it. If the head is already checkpointed, it returns the latest
// checkpoint. It returns ErrNoSigner without a signing key and ErrEmpty on
// an empty trail. Witness failures are logged, not returned.
func (t *Trail) Checkpoint(ctx context.Context) (Checkpoint, error) {
	if t.signer == nil {
		return Checkpoint{}, ErrNoSigner
	}
	var seq int64
	err := t.db.QueryRow(ctx, "SELECT head_seq FROM audit_chain WHERE id = 1").Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && seq == 0) {
		return Checkpoint{}, ErrEmpty
	}
	if err != nil {
		return Checkpoint{}, fmt.Errorf("checkpointing the audit trail: reading the head: %w", err)
	}
	cp, made, err := t.checkpointAt(ctx, seq)
	if err != nil {
		return Checkpoint{}, err
	}
	if made {
		t.witness(ctx, cp)
	}
	return cp, nil
}

// PublicKey returns the key that verifies the trail's checkpoints, or nil
// without a signing key.
func (t *Trail) PublicKey() ed25519.PublicKey {
	if t.signer == nil {
		return nil
	}
	return t.signer.Public().(ed25519.PublicKey)
}

// latestCheckpoint reads the note checkpoint with the highest number; ok is
// false when there is none.
func latestCheckpoint(ctx context.Context, q rowQuerier) (cp Checkpoint, ok bool, err error) {
	var at int64
	err = q.QueryRow(ctx, "SELECT "+checkpointColumns+" FROM audit_checkpoints WHERE number > 0 ORDER BY number DESC LIMIT 1").
		Scan(&cp.Seq, &cp.Hash, &at, &cp.KeyID, &cp.Signature, &cp.Number, &cp.Note)
	if errors.Is(err, sql.ErrNoRows) {
		return Checkpoint{}, false, nil
	}
	if err != nil {
		return Checkpoint{}, false, fmt.Errorf("reading the latest checkpoint: %w", err)
	}
	cp.Time = sqldb.FromMicros(at)
	cp.Root = noteRoot(cp.Note)
	return cp, true, nil
}

// noteRoot returns the tree hash line of a checkpoint note.
func noteRoot(msg string) string {
	lines := strings.SplitN(msg, "\n", 4)
	if len(lines) < 4 {
		return ""
	}
	return lines[2]
}

// checkpointAt makes the checkpoint of entries 1 to size, unless the latest
// checkpoint already covers size, in which case it returns that one with
// made false. It extends the stored tree first, checking the entries it
// hashes. Checkpoints are serialized within the process; between
// processes, the unique checkpoint number lets only one of two racing
// checkpoints in.
func (t *Trail) checkpointAt(ctx context.Context, size int64) (cp Checkpoint, made bool, err error) {
	t.cpMu.Lock()
	defer t.cpMu.Unlock()
	for range 5 {
		cp, made, err = t.tryCheckpointAt(ctx, size)
		if err != nil {
			return Checkpoint{}, false, fmt.Errorf("checkpointing the audit trail at entry %d: %w", size, err)
		}
		if made || cp.Seq >= size {
			return cp, made, nil
		}
	}
	return Checkpoint{}, false, fmt.Errorf("checkpointing the audit trail at entry %d: other processes made 5 checkpoints in the meantime, none covering it", size)
}

// tryCheckpointAt makes the checkpoint of entries 1 to size once; when
// another process made the next checkpoint first, it returns the latest
// with made false, and the caller tries again.
//
// It signs nothing it has not checked: the entries since the previous
// checkpoint must hash, link and end at the sealed chain head (see
// consistency), and the stored tree must be the one the previous
// checkpoint signed, or it returns an *InconsistentError.
func (t *Trail) tryCheckpointAt(ctx context.Context, size int64) (cp Checkpoint, made bool, err error) {
	h, err := t.readHead(ctx)
	if err != nil {
		return Checkpoint{}, false, fmt.Errorf("reading the chain: %w", err)
	}
	chainID := h.chainID
	prev, ok, err := latestCheckpoint(ctx, t.db)
	if err != nil {
		return Checkpoint{}, false, err
	}
	if ok && prev.Seq >= size {
		return prev, false, nil
	}
	var legacy int
	if err := t.db.QueryRow(ctx, "SELECT COUNT(*) FROM audit_checkpoints WHERE seq = ?", size).Scan(&legacy); err != nil {
		return Checkpoint{}, false, fmt.Errorf("reading checkpoints: %w", err)
	}
	if legacy > 0 {
		return Checkpoint{Seq: size}, false, nil
	}
	if size > h.seq {
		return Checkpoint{}, false, inconsistent(h.seq+1, "a checkpoint of %d entries was asked for, but the chain head records %d", size, h.seq)
	}
	if ie, _, err := t.consistency(ctx, h, prev.Seq); err != nil {
		return Checkpoint{}, false, err
	} else if ie != nil {
		return Checkpoint{}, false, ie
	}
	if ok {
		if err := t.checkStoredTree(ctx, prev); err != nil {
			return Checkpoint{}, false, err
		}
	}
	if err := extendTree(ctx, t.db, chainID, prev.Seq, size); err != nil {
		return Checkpoint{}, false, err
	}
	root, err := tlog.TreeHash(size, newTreeReader(ctx, t.db))
	if err != nil {
		return Checkpoint{}, false, fmt.Errorf("hashing the tree: %w", err)
	}
	head, err := hashAt(ctx, t.db, size)
	if err != nil {
		return Checkpoint{}, false, err
	}
	b := checkpointBody{ChainID: chainID, Size: size, Root: root, Number: prev.Number + 1, Head: head, Time: micro(t.now())}
	if ok {
		b.PrevSize, b.PrevNote = prev.Seq, noteHash([]byte(prev.Note))
	}
	msg, err := signBody(t.signer, b)
	if err != nil {
		return Checkpoint{}, false, err
	}
	cp = Checkpoint{Seq: size, Hash: head, Time: b.Time, KeyID: KeyID(t.PublicKey()), Number: b.Number, Root: encodeHash(root), Note: string(msg)}
	res, err := t.db.Exec(ctx, "INSERT INTO audit_checkpoints ("+checkpointColumns+") VALUES (?, ?, ?, ?, '', ?, ?) ON CONFLICT DO NOTHING",
		cp.Seq, cp.Hash, cp.Time.UnixMicro(), cp.KeyID, cp.Number, cp.Note)
	if err != nil {
		return Checkpoint{}, false, fmt.Errorf("writing checkpoint %d: %w", cp.Number, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return Checkpoint{}, false, fmt.Errorf("writing checkpoint %d: %w", cp.Number, err)
	}
	if n == 0 {
		// Another process made checkpoint number b.Number first.
		cp, _, err := latestCheckpoint(ctx, t.db)
		return cp, false, err
	}
	return cp, true, nil
}

// checkStoredTree checks that the stored Merkle tree of prev's size is
// the one prev, a note checkpoint, signed: the next checkpoint builds on
// it, and must not sign hashes planted in the table.
func (t *Trail) checkStoredTree(ctx context.Context, prev Checkpoint) error {
	body, err := openCheckpoint([]byte(prev.Note), t.PublicKey())
	if err != nil {
		return inconsistent(prev.Seq, "checkpoint %d does not verify: %v", prev.Number, err)
	}
	stored, err := tlog.TreeHash(prev.Seq, newTreeReader(ctx, t.db))
	if err != nil {
		return fmt.Errorf("hashing the stored tree: %w", err)
	}
	if stored != body.Root {
		return inconsistent(prev.Seq, "the stored Merkle tree of %d entries is not the one checkpoint %d signed", prev.Seq, prev.Number)
	}
	return nil
}

// checkpointColumns are the columns of audit_checkpoints, in the order
// they are scanned.
const checkpointColumns = "seq, hash, time_us, key_id, signature, number, note"

// verifyCheckpoint checks an old checkpoint's signature against pub.
func verifyCheckpoint(pub ed25519.PublicKey, chainID string, cp Checkpoint) error {
	if id := KeyID(pub); cp.KeyID != id {
		return fmt.Errorf("checkpoint %d was signed by key %s, not by key %s", cp.Seq, cp.KeyID, id)
	}
	sig, err := base64.StdEncoding.DecodeString(cp.Signature)
	if err != nil || !ed25519.Verify(pub, checkpointMessage(chainID, cp.Seq, cp.Hash, cp.Time), sig) {
		return fmt.Errorf("checkpoint %d has an invalid signature", cp.Seq)
	}
	return nil
}

// KeyID returns a short, stable name for a public key: the hex of the first
// 8 bytes of its SHA-256.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// ParseSeed reads a signing key from its 32-byte seed, written in base64
// (standard or URL alphabet, padded or not) or hex, as kept in the
// environment.
func ParseSeed(s string) (ed25519.PrivateKey, error) {
	s = strings.TrimSpace(s)
	for _, dec := range []func(string) ([]byte, error){
		hex.DecodeString,
		base64.StdEncoding.DecodeString, base64.RawStdEncoding.DecodeString,
		base64.URLEncoding.DecodeString, base64.RawURLEncoding.DecodeString,
	} {
		if b, err := dec(s); err == nil && len(b) == ed25519.SeedSize {
			return ed25519.NewKeyFromSeed(b), nil
		}
	}
	return nil, fmt.Errorf("audit signing key: want a %d-byte seed in base64 or hex", ed25519.SeedSize)
}

// EncodePublicKey writes a public key as a PEM "PUBLIC KEY" block.
func EncodePublicKey(pub ed25519.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("encoding public key: %w", err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), nil
}

// ParsePublicKey reads a public key written by EncodePublicKey, or its 32
// raw bytes in base64.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	if block, _ := pem.Decode([]byte(s)); block != nil {
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parsing public key: %w", err)
		}
		pub, ok := k.(ed25519.PublicKey)
		if !ok {
			return nil, fmt.Errorf("parsing public key: %T is not an Ed25519 key", k)
		}
		return pub, nil
	}
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("parsing public key: want PEM or %d bytes in base64", ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(b), nil
}
