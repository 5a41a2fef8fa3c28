package audit

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"time"
)

// walker verifies entries in seq order and, at the first break, works out
// from the entries around it what kind of tampering explains it. It keeps
// the last two good hashes and looks one entry ahead, nothing more.
type walker struct {
	chainID string
	pub     ed25519.PublicKey
	// head is the chain head, read again by rehead when a row past it
	// turns up, in case it was appended while the walk ran.
	head   head
	rehead func(context.Context) (head, error)
	ents   *entryStream
	cps    *cursor[Checkpoint]
	// tree is the Merkle tree of the entries accepted so far.
	tree merkle
	// wits are the witnessed checkpoints, by size; wit is the next one to
	// reach, and witGood the size of the last one the trail matched.
	wits    []witnessed
	wit     int
	witGood int64
	// note is the latest note checkpoint that verified.
	note *checkpointBody
	// noteMsg is its signed note.
	noteMsg []byte

	// expect is the seq the next entry must have.
	expect int64
	// prev and prevPrev are the hashes of the last two good entries (prev
	// starts as the genesis hash); prevTime and prevPrevTime their times.
	prev, prevPrev         string
	prevTime, prevPrevTime time.Time
	// signed is the seq of the latest checkpoint that verified, and
	// signedTime the time of its entry.
	signed     int64
	signedTime time.Time

	rep Report
}

// walk checks entries until the end or the first problem.
func (w *walker) walk(ctx context.Context) error {
	for {
		r, err := w.ents.next()
		if err != nil || r == nil {
			return err
		}
		w.rep.Entries++
		if r.seq > w.head.seq {
			if w.head, err = w.rehead(ctx); err != nil {
				return fmt.Errorf("reading the chain head: %w", err)
			}
			if r.seq > w.head.seq {
				w.blame(r.seq, KindPastHead, fmt.Sprintf("entry %d lies past the chain head at entry %d: no append put it there", r.seq, w.head.seq))
				return nil
			}
		}
		if !w.intact(r) {
			s := r.stored()
			bad, err := w.check(&s)
			if err != nil || bad {
				return err
			}
		}
		// The record of an entry in the tree is its hash as stored (leafData).
		w.tree.add(r.hash)
		w.prevPrev, w.prev = w.prev, string(r.hash)
		at := r.time()
		w.prevPrevTime, w.prevTime = w.prevTime, at
		w.rep.VerifiedUpTo, w.rep.VerifiedTime = r.seq, at
		w.expect++
		if bad, err := w.checkpointsAt(ctx, r.seq, w.prev); err != nil || bad {
			return err
		}
		if w.witnessedAt(r.seq) {
			return nil
		}
	}
}

// intact reports whether an entry is the one the walk expects next: at its
// place, in this chain, hashing to its stored hash and linking to the entry
// before it. An entry that is not goes to check, which finds out why.
func (w *walker) intact(r *rawEntry) bool {
	return r.seq == w.expect && string(r.chainID) == w.chainID && string(r.prevHash) == w.prev && r.hashes()
}

// check checks one entry and reports whether it found a problem.
func (w *walker) check(r *stored) (bool, error) {
	e := w.expect
	if r.Seq != e {
		missing := fmt.Sprintf("entry %d is missing", e)
		if r.Seq > e+1 {
			missing = fmt.Sprintf("entries %d to %d are missing", e, r.Seq-1)
		}
		return w.blame(e, KindDeleted, missing), nil
	}
	self := r.hashes(r.chainID, r.Seq)
	if r.chainID != w.chainID {
		if self {
			return w.blame(e, KindSpliced, fmt.Sprintf("entry %d belongs to chain %s, not to this database's chain %s", e, r.chainID, w.chainID)), nil
		}
		return w.blame(e, KindEdited, fmt.Sprintf("entry %d's chain id was changed", e)), nil
	}
	if self && r.PrevHash == w.prev {
		return false, nil
	}
	var n *stored
	if next, err := w.ents.peek(); err != nil {
		return false, err
	} else if next != nil {
		s := next.stored()
		n = &s
	}
	nextLinksPrev := n != nil && n.PrevHash == w.prev
	if self {
		switch {
		case e == 1:
			return w.blame(e, KindSpliced, "entry 1 does not start from this database's genesis"), nil
		case nextLinksPrev:
			return w.blame(e, KindInserted, fmt.Sprintf("entry %d links to entry %d but entry %d does not", e+1, e-1, e)), nil
		case r.PrevHash == w.prevPrev:
			return w.blame(e-1, KindInserted, fmt.Sprintf("entry %d links to entry %d, past entry %d", e, e-2, e-1)), nil
		case w.signed == e-1:
			return w.blame(e, KindEdited, fmt.Sprintf("entry %d was rewritten: it does not link to the signed entry %d", e, e-1)), nil
		}
		return w.blame(e-1, KindEdited, fmt.Sprintf("entry %d is not the entry that entry %d links to: it was edited and rehashed", e-1, e)), nil
	}
	switch {
	case nextLinksPrev && n.Hash == r.PrevHash:
		return w.blame(e, KindReordered, fmt.Sprintf("entries %d and %d are out of order", e, e+1)), nil
	case nextLinksPrev:
		return w.blame(e, KindInserted, fmt.Sprintf("entry %d links to entry %d past entry %d", e+1, e-1, e)), nil
	case r.hashes(w.chainID, e+1):
		return w.blame(e, KindDeleted, fmt.Sprintf("an entry before entry %d was deleted and later entries renumbered", e+1)), nil
	case r.PrevHash == w.prevPrev && r.hashes(w.chainID, e-1):
		return w.blame(e-1, KindInserted, fmt.Sprintf("entry %d was inserted and later entries renumbered", e-1)), nil
	}
	return w.blame(e, KindEdited, fmt.Sprintf("entry %d's fields do not match its hash", e)), nil
}

// checkpointsAt checks the checkpoints of entry seq, whose hash is hash,
// and reports whether it found a problem.
func (w *walker) checkpointsAt(ctx context.Context, seq int64, hash string) (bool, error) {
	for {
		cp, err := w.cps.peek(ctx)
		if err != nil || cp == nil || cp.Seq > seq {
			return false, err
		}
		if cp.Note != "" {
			if w.noteAt(seq, hash, cp) {
				return true, nil
			}
		} else if err := verifyCheckpoint(w.pub, w.chainID, *cp); err != nil {
			return w.blame(seq, KindBadSignature, err.Error()), nil
		}
		if cp.Hash != hash {
			w.rep.VerifiedUpTo, w.rep.VerifiedTime = w.signed, w.signedTime
			w.rep.FirstBad = &Problem{Seq: seq, Kind: KindEdited, Detail: fmt.Sprintf(
				"entry %d differs from its checkpoint signed at %s: an entry after %d was edited and the chain rehashed",
				seq, cp.Time.Format(time.RFC3339), w.signed)}
			return true, nil
		}
		if cp.Seq != seq {
			return w.blame(seq, KindCheckpointReplaced, fmt.Sprintf("a checkpoint is stored for entry %d, which is not in the trail", cp.Seq)), nil
		}
		w.signed, w.signedTime = cp.Seq, w.prevTime
		c := *cp
		w.rep.Checkpoint = &c
		if _, err := w.cps.next(ctx); err != nil {
			return false, err
		}
	}
}

// blame records the first problem, at entry seq, which is the entry the
// walk expects next or the last one it accepted, and returns true.
func (w *walker) blame(seq int64, k Kind, detail string) bool {
	w.rep.FirstBad = &Problem{Seq: seq, Kind: k, Detail: detail}
	if seq == w.expect-1 {
		w.rep.VerifiedUpTo, w.rep.VerifiedTime = seq-1, w.prevPrevTime
	} else {
		w.rep.VerifiedUpTo, w.rep.VerifiedTime = seq-1, w.prevTime
	}
	return true
}

// hashes reports whether the entry's stored hash is its hash in chain
// chainID at position seq.
func (r *stored) hashes(chainID string, seq int64) bool {
	e := r.Entry
	e.Seq = seq
	h, err := entryHash(r.version, chainID, &e)
	return err == nil && h == r.Hash
}
