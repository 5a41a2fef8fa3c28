package audit

import (
	"crypto/ed25519"
	"fmt"
	"sort"
	"time"
)

// witnessed is a checkpoint note a witness holds, verified and read.
type witnessed struct {
	checkpointBody
	msg []byte
}

// openWitnessed verifies witnessed notes with pub and returns them by tree
// size, without duplicates.
func openWitnessed(notes [][]byte, pub ed25519.PublicKey) ([]witnessed, error) {
	var out []witnessed
	for i, msg := range notes {
		b, err := openCheckpoint(msg, pub)
		if err != nil {
			return nil, fmt.Errorf("audit: witnessed note %d: %w", i+1, err)
		}
		out = append(out, witnessed{checkpointBody: b, msg: msg})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	uniq := out[:0]
	for _, w := range out {
		if n := len(uniq); n > 0 && uniq[n-1].Number == w.Number && string(uniq[n-1].msg) == string(w.msg) {
			continue
		}
		uniq = append(uniq, w)
	}
	for i := 1; i < len(uniq); i++ {
		if uniq[i].Size < uniq[i-1].Size || uniq[i].ChainID != uniq[0].ChainID {
			return nil, fmt.Errorf("audit: the witness holds checkpoints %d and %d that contradict each other", uniq[i-1].Number, uniq[i].Number)
		}
	}
	return uniq, nil
}

// noteAt checks a note checkpoint stored for entry seq, whose hash is hash,
// and reports whether it found a problem.
func (w *walker) noteAt(seq int64, hash string, cp *Checkpoint) bool {
	b, err := openCheckpoint([]byte(cp.Note), w.pub)
	if err != nil {
		return w.blame(seq, KindBadSignature, fmt.Sprintf("the checkpoint stored for entry %d: %v", seq, err))
	}
	// Only what the note says counts: the row's other columns are not signed.
	cp.Hash, cp.Time, cp.Root = b.Head, b.Time, encodeHash(b.Root)
	var last, lastSize int64
	if w.note != nil {
		last, lastSize = w.note.Number, w.note.Size
	}
	switch {
	case b.ChainID != w.chainID:
		return w.blame(seq, KindSpliced, fmt.Sprintf("the checkpoint stored for entry %d is of chain %s, not of this database's chain %s", seq, b.ChainID, w.chainID))
	case b.Size != seq || b.Number != cp.Number:
		return w.blame(seq, KindCheckpointReplaced, fmt.Sprintf("the checkpoint stored for entry %d is checkpoint %d, of %d entries: it was moved", seq, b.Number, b.Size))
	case b.Number > last+1:
		at := b.PrevSize
		if at <= lastSize {
			at = seq
		}
		return w.problem(at, KindCheckpointMissing, fmt.Sprintf("checkpoint %d comes after checkpoint %d: checkpoints %d to %d (up to entry %d) were deleted",
			b.Number, last, last+1, b.Number-1, b.PrevSize))
	case b.Number <= last:
		return w.problem(seq, KindCheckpointReplaced, fmt.Sprintf("checkpoint %d, for entry %d, comes after checkpoint %d: checkpoints were reordered", b.Number, seq, last))
	case b.Number > 1 && (b.PrevSize != lastSize || b.PrevNote != noteHash(w.noteMsg)):
		return w.problem(lastSize, KindCheckpointReplaced, fmt.Sprintf("checkpoint %d does not name checkpoint %d, for entry %d, as the one before it: one of them was replaced",
			b.Number, last, lastSize))
	case b.Head != hash:
		return false // the caller reports it, as for old checkpoints
	case b.Root != w.tree.root():
		return w.problem(seq, KindEdited, fmt.Sprintf("entries %d to %d do not hash to checkpoint %d's tree, signed at %s: an entry was rewritten",
			w.signed+1, seq, b.Number, b.Time.Format(time.RFC3339)))
	}
	w.note, w.noteMsg = &b, []byte(cp.Note)
	return false
}

// witnessedAt checks the witnessed checkpoints of size seq against the
// trail so far and reports whether it found a problem.
func (w *walker) witnessedAt(seq int64) bool {
	for ; w.wit < len(w.wits) && w.wits[w.wit].Size <= seq; w.wit++ {
		b := w.wits[w.wit]
		if b.Size < seq {
			continue
		}
		switch {
		case b.Root != w.tree.root():
			return w.problem(w.witGood+1, KindEdited, fmt.Sprintf("entries %d to %d do not hash to witnessed checkpoint %d's tree, signed at %s: one of them was rewritten",
				w.witGood+1, seq, b.Number, b.Time.Format(time.RFC3339)))
		case w.note == nil || w.note.Number < b.Number:
			return w.problem(seq, KindCheckpointMissing, fmt.Sprintf("witnessed checkpoint %d, for entry %d, is missing from the database", b.Number, seq))
		case w.note.Number == b.Number && string(w.noteMsg) != string(b.msg):
			return w.problem(seq, KindCheckpointReplaced, fmt.Sprintf("checkpoint %d, for entry %d, is not the one the witness holds", b.Number, seq))
		}
		w.witGood = seq
		w.rep.Witnessed = &Checkpoint{Seq: b.Size, Hash: b.Head, Time: b.Time, KeyID: KeyID(w.pub), Number: b.Number, Root: encodeHash(b.Root), Note: string(b.msg)}
	}
	return false
}

// problem records a problem found at or behind entries already accepted:
// the trail is intact up to the entry before seq, or the latest entry
// accepted, whichever is first.
func (w *walker) problem(seq int64, k Kind, detail string) bool {
	w.rep.FirstBad = &Problem{Seq: seq, Kind: k, Detail: detail}
	if seq-1 < w.rep.VerifiedUpTo {
		w.rep.VerifiedUpTo, w.rep.VerifiedTime = seq-1, time.Time{}
	}
	return true
}
