package audit

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"errors"
	"fmt"
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
	// FirstBad is the first problem found, nil when the trail is intact.
	FirstBad *Problem
}

// OK reports whether no problem was found.
func (r Report) OK() bool { return r.FirstBad == nil }

// Verify checks the whole trail against pub, the checkpoints' public key:
// every entry's hash, every link, every checkpoint's signature and hash, and
// that no entry a checkpoint or the chain head records is missing. It reads
// entries in seq order, a page at a time, in constant memory. Entries
// appended while it runs are not checked. Tampering is reported in the
// Report; the error is for failures to read.
func (t *Trail) Verify(ctx context.Context, pub ed25519.PublicKey) (Report, error) {
	if len(pub) != ed25519.PublicKeySize {
		return Report{}, errors.New("audit: verifying needs the checkpoints' Ed25519 public key")
	}
	var h head
	var maxCP int64
	err := t.db.QueryRow(ctx, `SELECT c.chain_id, c.head_seq, c.head_hash,
		COALESCE((SELECT MAX(seq) FROM audit_checkpoints), 0) FROM audit_chain c WHERE c.id = 1`).
		Scan(&h.chainID, &h.seq, &h.hash, &maxCP)
	if errors.Is(err, sql.ErrNoRows) {
		return t.verifyHeadless(ctx)
	}
	if err != nil {
		return Report{}, fmt.Errorf("verifying the audit trail: reading the chain head: %w", err)
	}
	bound := max(h.seq, maxCP)
	w := &walker{chainID: h.chainID, pub: pub, ents: entries(t.db, bound), cps: checkpoints(t.db, bound), expect: 1, prev: genesis(h.chainID)}
	if err := w.walk(ctx); err != nil {
		return Report{}, fmt.Errorf("verifying the audit trail: %w", err)
	}
	if w.rep.FirstBad == nil {
		if err := w.finish(ctx, h); err != nil {
			return Report{}, fmt.Errorf("verifying the audit trail: %w", err)
		}
	}
	return w.rep, nil
}

// verifyHeadless reports on a trail without a chain head row: fine when the
// trail is empty, tampering when it is not.
func (t *Trail) verifyHeadless(ctx context.Context) (Report, error) {
	var n int64
	if err := t.db.QueryRow(ctx, "SELECT COUNT(*) FROM audit_entries").Scan(&n); err != nil {
		return Report{}, fmt.Errorf("verifying the audit trail: %w", err)
	}
	if n == 0 {
		return Report{}, nil
	}
	return Report{Entries: n, FirstBad: &Problem{Seq: 1, Kind: KindDeleted, Detail: "the chain head is missing but entries exist"}}, nil
}

// finish checks the end of the walk against the chain head and the
// checkpoints that lie beyond the last entry.
func (w *walker) finish(ctx context.Context, h head) error {
	last := w.expect - 1
	if last < h.seq {
		w.blame(w.expect, KindTruncated, fmt.Sprintf("the chain head records %d entries but the trail ends at entry %d", h.seq, last))
		return nil
	}
	if last == h.seq && last > 0 && w.prev != h.hash {
		w.blame(last, KindEdited, fmt.Sprintf("entry %d is not the entry the chain head records", last))
		return nil
	}
	cp, err := w.cps.next(ctx)
	if err != nil || cp == nil {
		return err
	}
	if err := verifyCheckpoint(w.pub, w.chainID, *cp); err != nil {
		w.blame(w.expect, KindBadSignature, err.Error())
		return nil
	}
	w.blame(w.expect, KindTruncated, fmt.Sprintf("a checkpoint signed at %s records entry %d but the trail ends at entry %d",
		cp.Time.Format(time.RFC3339), cp.Seq, last))
	return nil
}
