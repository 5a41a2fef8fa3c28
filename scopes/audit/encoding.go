package audit

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"time"
)

// Versions of the canonical encoding. The version is stored with every
// entry, so that the encoding can change without breaking the verification
// of older entries. Version 1 covers the fields every entry has; version 2
// adds the egress fields (Host, BytesSent, AudioDuration) and is written
// only for entries that have them, so every other entry encodes as before.
// Version 3 adds the subject (SubjectID, SubjectEmail) after the egress
// fields and is written only for entries that have a subject.
const (
	formatV1 = 1
	formatV2 = 2
	formatV3 = 3
)

// formatVersion is the encoding version an entry is written in: the oldest
// that holds every field it has.
func formatVersion(e *Entry) int {
	switch {
	case e.SubjectID != "" || e.SubjectEmail != "":
		return formatV3
	case e.Host != "" || e.BytesSent != 0 || e.AudioDuration != 0:
		return formatV2
	}
	return formatV1
}

// Domain-separation prefixes for the things that are hashed, sealed or signed.
const (
	entryMagic      = "scopetrail/audit/entry/v1\n"
	entryMagicV2    = "scopetrail/audit/entry/v2\n"
	entryMagicV3    = "scopetrail/audit/entry/v3\n"
	genesisMagic    = "scopetrail/audit/genesis/v1\n"
	checkpointMagic = "scopetrail/audit/checkpoint/v1\n"
	headMACMagic    = "scopetrail/audit/head-mac/v1\n"
)

// encoder writes a canonical encoding into a hash: every string is prefixed
// by its length as a uvarint, every integer is 8 bytes big-endian. Fields
// are always written in the same order, so no two different entries encode
// the same.
type encoder struct {
	h   hash.Hash
	buf [binary.MaxVarintLen64]byte
}

func (e *encoder) str(s string) {
	n := binary.PutUvarint(e.buf[:], uint64(len(s)))
	e.h.Write(e.buf[:n])
	e.h.Write([]byte(s))
}

func (e *encoder) int(i int64) {
	binary.BigEndian.PutUint64(e.buf[:8], uint64(i))
	e.h.Write(e.buf[:8])
}

func (e *encoder) sum() string { return hex.EncodeToString(e.h.Sum(nil)) }

func newEncoder(magic string) *encoder {
	e := &encoder{h: sha256.New()}
	e.h.Write([]byte(magic))
	return e
}

// entryHash returns the hash of an entry in the given format version, as
// part of the chain chainID.
func entryHash(version int, chainID string, e *Entry) (string, error) {
	var enc *encoder
	switch version {
	case formatV1:
		// Version 1 cannot hold the egress fields: an entry that has them
		// and claims version 1 was edited.
		if formatVersion(e) != formatV1 {
			return "", fmt.Errorf("entry format version 1 has no egress fields")
		}
		enc = newEncoder(entryMagic)
	case formatV2:
		// Version 2 cannot hold a subject either.
		if formatVersion(e) == formatV3 {
			return "", fmt.Errorf("entry format version 2 has no subject")
		}
		enc = newEncoder(entryMagicV2)
	case formatV3:
		enc = newEncoder(entryMagicV3)
	default:
		return "", fmt.Errorf("unknown entry format version %d", version)
	}
	enc.str(chainID)
	enc.int(e.Seq)
	enc.str(e.ID)
	enc.int(e.Time.UnixMicro())
	enc.str(e.ActorID)
	enc.str(e.ActorEmail)
	enc.str(e.ClientID)
	enc.str(string(e.Event))
	enc.str(e.APIName)
	enc.str(e.MethodName)
	enc.str(e.Scope)
	enc.str(e.Purpose)
	enc.str(e.Resource)
	enc.int(int64(e.HTTPStatus))
	enc.str(e.ErrorReason)
	enc.str(string(e.Outcome))
	enc.int(e.NumResponseBytes)
	enc.int(e.Items)
	enc.int(e.Latency.Microseconds())
	enc.str(e.RequestID)
	enc.str(e.Replica)
	enc.int(e.RefSeq)
	enc.str(e.PrevHash)
	if version >= formatV2 {
		enc.str(e.Host)
		enc.int(e.BytesSent)
		enc.int(e.AudioDuration.Microseconds())
	}
	if version >= formatV3 {
		enc.str(e.SubjectID)
		enc.str(e.SubjectEmail)
	}
	return enc.sum(), nil
}

// genesis is the PrevHash of a chain's first entry. It depends on the
// chain's id, so that a chain copied from another database does not link.
func genesis(chainID string) string {
	enc := newEncoder(genesisMagic)
	enc.str(chainID)
	return enc.sum()
}

// checkpointMessage is what a checkpoint's signature covers.
func checkpointMessage(chainID string, seq int64, hash string, t time.Time) []byte {
	enc := newEncoder(checkpointMagic)
	enc.str(chainID)
	enc.int(seq)
	enc.str(hash)
	enc.int(t.UnixMicro())
	return enc.h.Sum(nil)
}

// micro truncates a time to the microsecond, the precision stored, in UTC.
func micro(t time.Time) time.Time { return time.UnixMicro(t.UnixMicro()).UTC() }
