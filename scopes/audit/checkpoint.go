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

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// Checkpoint is a signed statement that the chain's entry Seq had hash Hash.
// The signature also covers the chain's id and the checkpoint's time.
type Checkpoint struct {
	Seq  int64
	Hash string
	Time time.Time
	// KeyID names the public key that verifies Signature.
	KeyID string
	// Signature is the base64 Ed25519 signature.
	Signature string
}

// Checkpoint signs the chain's current head now and returns the checkpoint.
// If the head is already checkpointed, it returns that checkpoint. It
// returns ErrNoSigner without a signing key and ErrEmpty on an empty trail.
func (t *Trail) Checkpoint(ctx context.Context) (Checkpoint, error) {
	if t.signer == nil {
		return Checkpoint{}, ErrNoSigner
	}
	var cp Checkpoint
	err := t.db.InTx(ctx, func(tx *sqldb.Tx) error {
		h, err := t.lockHead(ctx, tx)
		if err != nil {
			return err
		}
		if h.seq == 0 {
			return ErrEmpty
		}
		var at int64
		err = tx.QueryRow(ctx, "SELECT seq, hash, time_us, key_id, signature FROM audit_checkpoints WHERE seq = ?", h.seq).
			Scan(&cp.Seq, &cp.Hash, &at, &cp.KeyID, &cp.Signature)
		if err == nil {
			cp.Time = sqldb.FromMicros(at)
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("reading checkpoint %d: %w", h.seq, err)
		}
		cp = t.sign(h.chainID, h.seq, h.hash)
		return insertCheckpoint(ctx, tx, cp)
	})
	if err != nil {
		return Checkpoint{}, fmt.Errorf("checkpointing the audit trail: %w", err)
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

func (t *Trail) sign(chainID string, seq int64, hash string) Checkpoint {
	at := micro(t.now())
	sig := ed25519.Sign(t.signer, checkpointMessage(chainID, seq, hash, at))
	return Checkpoint{Seq: seq, Hash: hash, Time: at, KeyID: KeyID(t.PublicKey()), Signature: base64.StdEncoding.EncodeToString(sig)}
}

func insertCheckpoint(ctx context.Context, tx *sqldb.Tx, cp Checkpoint) error {
	if _, err := tx.Exec(ctx, `INSERT INTO audit_checkpoints (seq, hash, time_us, key_id, signature) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (seq) DO NOTHING`, cp.Seq, cp.Hash, cp.Time.UnixMicro(), cp.KeyID, cp.Signature); err != nil {
		return fmt.Errorf("writing checkpoint %d: %w", cp.Seq, err)
	}
	return nil
}

// verifyCheckpoint checks a checkpoint's signature against pub.
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
