package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// Status is the state of the trail that the chain page shows.
type Status struct {
	// HeadSeq and HeadTime are the latest entry's; 0 and the zero time on
	// an empty trail.
	HeadSeq  int64
	HeadTime time.Time
	// Checkpoint is the latest checkpoint, nil when there is none.
	Checkpoint *Checkpoint
	// NextCheckpoint is when RunCheckpoints next signs the entries that no
	// checkpoint covers; the zero time when every entry is covered or
	// RunCheckpoints does not run in this process.
	NextCheckpoint time.Time
	// Inconsistent, when not nil, is why appends are refused.
	Inconsistent *InconsistentError
}

// Status reads the trail's head and latest checkpoint and checks, in time
// proportional to the entries since that checkpoint, what the appender
// relies on: no row lies past the head, the head is the last entry and is
// sealed by the signing key, and the entries since the checkpoint hash and
// link. It is not a full Verify.
func (t *Trail) Status(ctx context.Context) (Status, error) {
	var st Status
	h, err := t.readHead(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("reading the audit trail's status: %w", err)
	}
	st.HeadSeq = h.seq
	var cp Checkpoint
	var at int64
	err = t.db.QueryRow(ctx, "SELECT "+checkpointColumns+" FROM audit_checkpoints ORDER BY seq DESC LIMIT 1").
		Scan(&cp.Seq, &cp.Hash, &at, &cp.KeyID, &cp.Signature, &cp.Number, &cp.Note)
	switch {
	case err == nil:
		cp.Time, cp.Root = sqldb.FromMicros(at), noteRoot(cp.Note)
		st.Checkpoint = &cp
	case !errors.Is(err, sql.ErrNoRows):
		return st, fmt.Errorf("reading the audit trail's status: %w", err)
	}
	if due := t.nextDue.Load(); due != 0 && (st.Checkpoint == nil || st.Checkpoint.Seq < h.seq) && t.signer != nil {
		st.NextCheckpoint = sqldb.FromMicros(due)
	}
	ie, headTime, err := t.consistency(ctx, h, cp.Seq)
	if err != nil {
		return st, fmt.Errorf("reading the audit trail's status: %w", err)
	}
	st.HeadTime, st.Inconsistent = headTime, ie
	return st, nil
}

// maxHeadMoves bounds how many times consistency follows a head that
// appends keep moving.
const maxHeadMoves = 10

// consistency checks the entries after entry from up to the head h, and
// returns the first inconsistency and the head entry's time.
func (t *Trail) consistency(ctx context.Context, h head, from int64) (*InconsistentError, time.Time, error) {
	var ie *InconsistentError
	// An append that commits after h was read leaves rows past it: only a
	// row past a head read after it is one nobody appended.
	for moved := 0; ; moved++ {
		var past sql.NullInt64
		if err := t.db.QueryRow(ctx, "SELECT MIN(seq) FROM audit_entries WHERE seq > ?", h.seq).Scan(&past); err != nil {
			return nil, time.Time{}, err
		}
		if !past.Valid {
			break
		}
		now, err := t.readHead(ctx)
		if err != nil {
			return nil, time.Time{}, err
		}
		if now.seq < past.Int64 {
			return &InconsistentError{Seq: past.Int64, Detail: fmt.Sprintf("a row is stored at entry %d, past the chain head at entry %d", past.Int64, now.seq)}, time.Time{}, nil
		}
		if moved == maxHeadMoves {
			break // a busy trail: the appender itself checks where it writes
		}
		h = now
	}
	if err := t.checkHead(ctx, t.db, h); errors.As(err, &ie) {
		return ie, time.Time{}, nil
	} else if err != nil {
		return nil, time.Time{}, err
	}
	if from > h.seq {
		from = 0
	}
	prev := genesis(h.chainID)
	if from > 0 {
		var err error
		if prev, err = hashAt(ctx, t.db, from); errors.Is(err, sql.ErrNoRows) {
			return &InconsistentError{Seq: from, Detail: fmt.Sprintf("entry %d, the latest checkpoint's, is missing", from)}, time.Time{}, nil
		} else if err != nil {
			return nil, time.Time{}, err
		}
	}
	var last time.Time
	n := from
	for r, err := range t.storedAfter(ctx, from, h.seq) {
		if err != nil {
			return nil, time.Time{}, err
		}
		switch {
		case r.Seq != n+1:
			return &InconsistentError{Seq: n + 1, Detail: fmt.Sprintf("entry %d is missing", n+1)}, last, nil
		case r.chainID != h.chainID || !r.hashes(h.chainID, r.Seq):
			return &InconsistentError{Seq: r.Seq, Detail: fmt.Sprintf("entry %d does not hash to its stored hash", r.Seq)}, last, nil
		case r.PrevHash != prev:
			return &InconsistentError{Seq: r.Seq, Detail: fmt.Sprintf("entry %d does not link to entry %d", r.Seq, r.Seq-1)}, last, nil
		}
		prev, n, last = r.Hash, r.Seq, r.Time
	}
	switch {
	case n != h.seq:
		return &InconsistentError{Seq: n + 1, Detail: fmt.Sprintf("the chain head records %d entries but the trail ends at entry %d", h.seq, n)}, last, nil
	case h.seq > 0 && prev != h.hash:
		return &InconsistentError{Seq: h.seq, Detail: fmt.Sprintf("entry %d is not the entry the chain head records", h.seq)}, last, nil
	}
	if from == h.seq && h.seq > 0 {
		var at int64
		if err := t.db.QueryRow(ctx, "SELECT time_us FROM audit_entries WHERE seq = ?", h.seq).Scan(&at); err != nil {
			return nil, time.Time{}, err
		}
		last = sqldb.FromMicros(at)
	}
	return nil, last, nil
}

// storedAfter yields the stored entries after entry from up to entry to, in
// seq order, a page at a time.
func (t *Trail) storedAfter(ctx context.Context, from, to int64) iter.Seq2[stored, error] {
	return func(yield func(stored, error) bool) {
		c := entries(t.db, to)
		c.after = from
		for {
			r, err := c.next(ctx)
			if err != nil {
				yield(stored{}, err)
				return
			}
			if r == nil || !yield(*r, nil) {
				return
			}
		}
	}
}
