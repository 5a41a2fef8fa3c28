package audit

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"
)

// Kind names a kind of tampering.
type Kind string

// Kinds of tampering Verify tells apart.
const (
	// KindEdited: an entry's fields differ from what was hashed, or an
	// entry was rewritten and the chain rehashed.
	KindEdited Kind = "edited"
	// KindDeleted: an entry is missing.
	KindDeleted Kind = "deleted"
	// KindInserted: an entry that was never appended sits in the chain.
	KindInserted Kind = "inserted"
	// KindReordered: entries are out of order.
	KindReordered Kind = "reordered"
	// KindTruncated: entries at the end are missing.
	KindTruncated Kind = "truncated"
	// KindSpliced: entries come from another database's chain.
	KindSpliced Kind = "spliced"
	// KindBadSignature: a checkpoint's signature does not verify.
	KindBadSignature Kind = "bad_signature"
	// KindPastHead: a row lies past the chain head, where no append put it.
	KindPastHead Kind = "past_head"
	// KindHeadMoved: the chain head does not match the rows, or was moved
	// by someone without the signing key.
	KindHeadMoved Kind = "head_moved"
	// KindCheckpointMissing: a checkpoint was deleted.
	KindCheckpointMissing Kind = "checkpoint_missing"
	// KindCheckpointReplaced: a checkpoint was moved, reordered or
	// replaced by another one.
	KindCheckpointReplaced Kind = "checkpoint_replaced"
)

// Problem is the first bad entry Verify found.
type Problem struct {
	Seq    int64
	Kind   Kind
	Detail string
}

func (p *Problem) String() string { return fmt.Sprintf("entry %d: %s: %s", p.Seq, p.Kind, p.Detail) }

// Report is the result of Verify.
type Report struct {
	// Entries is how many entries were read.
	Entries int64
	// VerifiedUpTo is the last entry up to which the chain is intact, and
	// VerifiedTime its time; 0 and the zero time when none is.
	VerifiedUpTo int64
	VerifiedTime time.Time
	// Checkpoint is the latest signed checkpoint that verified, if any.
	// Entries after it are linked but not yet signed.
	Checkpoint *Checkpoint
	// Witnessed is the latest witnessed checkpoint that the trail
	// matched, when Verify was given a witness's notes.
	Witnessed *Checkpoint
	// WitnessChecked reports whether Verify was given a witness's notes.
	WitnessChecked bool
	// FirstBad is the first problem found, nil when the trail is intact.
	FirstBad *Problem
}

// OK reports whether no problem was found.
func (r Report) OK() bool { return r.FirstBad == nil }

// Limits says plainly what an intact report cannot rule out.
func (r Report) Limits() string {
	var unsigned string
	switch {
	case r.Checkpoint == nil && r.VerifiedUpTo > 0:
		unsigned = "No checkpoint is signed yet: anyone who can write the database can rewrite every entry. "
	case r.Checkpoint != nil && r.VerifiedUpTo > r.Checkpoint.Seq:
		unsigned = fmt.Sprintf("Entries %d to %d are not signed yet: anyone who can write the database can rewrite them "+
			"(the app itself notices a head it did not seal). ", r.Checkpoint.Seq+1, r.VerifiedUpTo)
	}
	switch {
	case r.Witnessed != nil:
		return unsigned + fmt.Sprintf("The trail extends witnessed checkpoint %d (entry %d); entries after it are not witnessed yet: "+
			"someone with the signing key and the database could rewrite them and their checkpoints.", r.Witnessed.Number, r.Witnessed.Seq)
	case r.WitnessChecked:
		return unsigned + "The witness holds no checkpoint: someone with the signing key and the database could rewrite, " +
			"truncate or empty the trail and its checkpoints unnoticed."
	}
	return unsigned + "No witness was checked: someone with the signing key and the database could rewrite, truncate or " +
		"empty the trail and its checkpoints unnoticed; check it against a witness (--witness) to rule that out."
}

// Verify checks the whole trail against pub, the checkpoints' public key;
// see VerifyWitnessed.
func (t *Trail) Verify(ctx context.Context, pub ed25519.PublicKey) (Report, error) {
	return t.VerifyWitnessed(ctx, pub, nil)
}

// VerifyWitnessed checks the whole trail against pub, the checkpoints'
// public key, and against witnessed, the checkpoint notes a witness holds
// (see ReadWitnessed), when there are any: every row of every audit table,
// including rows past the chain head; every entry's hash and link; every
// checkpoint's signature, number, predecessor, Merkle tree hash and entry
// hash; the head against the rows (and its seal, when the trail has the
// signing key); and that the trail extends every witnessed checkpoint, so
// that a trail truncated, emptied or rewritten behind one is found. It
// reads entries in seq order, a page at a time and a page ahead, in
// constant memory, and reports each page checked to ctx's WithProgress.
// Tampering is reported in the Report, naming the first bad entry; the
// error is for failures to read, and for witnessed notes that pub does not
// verify.
func (t *Trail) VerifyWitnessed(ctx context.Context, pub ed25519.PublicKey, witnessed [][]byte) (Report, error) {
	if len(pub) != ed25519.PublicKeySize {
		return Report{}, errors.New("audit: verifying needs the checkpoints' Ed25519 public key")
	}
	wits, err := openWitnessed(witnessed, pub)
	if err != nil {
		return Report{}, err
	}
	h, err := t.readHead(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		rep, herr := t.verifyHeadless(ctx, wits)
		rep.WitnessChecked = witnessed != nil
		if herr != nil || rep.FirstBad == nil || rep.FirstBad.Kind != KindDeleted {
			return rep, herr
		}
		// The entries may be the first append's, which commits with the
		// head it creates after the head was read: read it again.
		if h, err = t.readHead(ctx); errors.Is(err, sql.ErrNoRows) {
			return rep, nil
		}
	}
	if err != nil {
		return Report{}, fmt.Errorf("verifying the audit trail: reading the chain head: %w", err)
	}
	w := &walker{chainID: h.chainID, pub: pub, head: h, rehead: t.readHead, ents: streamEntries(ctx, t.db, 0, h.seq),
		cps: checkpoints(t.db, math.MaxInt64), wits: wits, expect: 1, prev: genesis(h.chainID)}
	defer func() { w.ents.close() }()
	report := progressTo(ctx, h.seq)
	w.ents.report = report
	w.rep.WitnessChecked = witnessed != nil
	if len(wits) > 0 && wits[0].ChainID != h.chainID {
		w.blame(1, KindSpliced, fmt.Sprintf("the witness holds checkpoints of chain %s, not of this database's chain %s: the trail was replaced",
			wits[0].ChainID, h.chainID))
		return w.rep, nil
	}
	if err := w.walk(ctx); err != nil {
		return Report{}, fmt.Errorf("verifying the audit trail: %w", err)
	}
	// A head read again during the walk, for a row past the one read first,
	// may be newer than the page that ended the walk: appends committed
	// between the two are read on from where the walk ended, for as long as
	// that finds more. Rows up to the head read first committed before the
	// walk began, so a trail that ends short of that is truncated.
	for w.rep.FirstBad == nil && w.expect-1 < w.head.seq && w.head.seq != h.seq {
		from := w.expect
		w.ents.close()
		w.ents = streamEntries(ctx, t.db, w.expect-1, w.head.seq)
		w.ents.report = report
		if err := w.walk(ctx); err != nil {
			return Report{}, fmt.Errorf("verifying the audit trail: %w", err)
		}
		if w.expect == from {
			break
		}
	}
	if w.rep.FirstBad == nil {
		if err := w.finish(ctx); err != nil {
			return Report{}, fmt.Errorf("verifying the audit trail: %w", err)
		}
	}
	if w.rep.FirstBad == nil && t.macKey != nil {
		if err := t.checkSeal(ctx, w); err != nil {
			return Report{}, fmt.Errorf("verifying the audit trail: %w", err)
		}
	}
	return w.rep, nil
}

// readHead reads the chain head row.
func (t *Trail) readHead(ctx context.Context) (head, error) {
	var h head
	err := t.db.QueryRow(ctx, "SELECT chain_id, head_seq, head_hash, head_mac FROM audit_chain WHERE id = 1").
		Scan(&h.chainID, &h.seq, &h.hash, &h.mac)
	return h, err
}

// checkSeal checks the head's seal, which only the holder of the signing
// key can check.
func (t *Trail) checkSeal(ctx context.Context, w *walker) error {
	err := t.checkHead(ctx, t.db, w.head)
	var ie *InconsistentError
	if errors.As(err, &ie) {
		from := int64(1)
		if w.rep.Checkpoint != nil {
			from = w.rep.Checkpoint.Seq + 1
		}
		w.rep.FirstBad = &Problem{Seq: from, Kind: KindHeadMoved, Detail: fmt.Sprintf(
			"the chain head at entry %d was not sealed by the signing key: entries %d to %d were appended, rewritten or removed behind the appender's back",
			w.head.seq, from, w.head.seq)}
		w.rep.VerifiedUpTo = from - 1
		return nil
	}
	return err
}

// verifyHeadless reports on a trail without a chain head row: fine when the
// trail is empty and no witness holds a checkpoint of it, tampering when it
// is not.
func (t *Trail) verifyHeadless(ctx context.Context, wits []witnessed) (Report, error) {
	var n, c int64
	if err := t.db.QueryRow(ctx, "SELECT (SELECT COUNT(*) FROM audit_entries), (SELECT COUNT(*) FROM audit_checkpoints)").Scan(&n, &c); err != nil {
		return Report{}, fmt.Errorf("verifying the audit trail: %w", err)
	}
	switch {
	case n > 0:
		return Report{Entries: n, FirstBad: &Problem{Seq: 1, Kind: KindDeleted, Detail: "the chain head is missing but entries exist"}}, nil
	case c > 0:
		return Report{FirstBad: &Problem{Seq: 1, Kind: KindTruncated, Detail: "the trail is empty but checkpoints of it exist: its entries were deleted"}}, nil
	case len(wits) > 0:
		last := wits[len(wits)-1]
		return Report{FirstBad: &Problem{Seq: 1, Kind: KindTruncated, Detail: fmt.Sprintf(
			"the trail is empty but the witness holds checkpoint %d of %d entries, signed at %s: the trail was emptied",
			last.Number, last.Size, last.Time.Format(time.RFC3339))}}, nil
	}
	return Report{}, nil
}

// finish checks the end of the walk against the chain head, the
// checkpoints that lie beyond the last entry and the witnessed checkpoints.
func (w *walker) finish(ctx context.Context) error {
	last, h := w.expect-1, w.head
	if last < h.seq {
		w.blame(w.expect, KindTruncated, fmt.Sprintf("the chain head records %d entries but the trail ends at entry %d", h.seq, last))
		return nil
	}
	if last == h.seq && last > 0 && w.prev != h.hash {
		w.blame(last, KindHeadMoved, fmt.Sprintf("entry %d is not the entry the chain head records", last))
		return nil
	}
	if w.wit < len(w.wits) {
		b := w.wits[len(w.wits)-1]
		w.blame(w.expect, KindTruncated, fmt.Sprintf("the witness holds checkpoint %d of %d entries, signed at %s, but the trail ends at entry %d",
			b.Number, b.Size, b.Time.Format(time.RFC3339), last))
		return nil
	}
	cp, err := w.cps.next(ctx)
	if err != nil || cp == nil {
		return err
	}
	if cp.Note == "" {
		if err := verifyCheckpoint(w.pub, w.chainID, *cp); err != nil {
			w.blame(w.expect, KindBadSignature, err.Error())
			return nil
		}
	} else if _, err := openCheckpoint([]byte(cp.Note), w.pub); err != nil {
		w.blame(w.expect, KindBadSignature, err.Error())
		return nil
	}
	w.blame(w.expect, KindTruncated, fmt.Sprintf("a checkpoint signed at %s records entry %d but the trail ends at entry %d",
		cp.Time.Format(time.RFC3339), cp.Seq, last))
	return nil
}
