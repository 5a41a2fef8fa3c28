package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// PendingFor is how long a request without a recorded outcome may still be
// in flight: a call to Google, whose outcome is queued and written a moment
// after its answer, or a download that keeps moving. A request begun longer
// ago whose outcome is missing reads as unknown: the process stopped while
// it was in flight, and it may or may not have reached Google. Pass
// now.Add(-PendingFor) as Filter.PendingSince to read it so.
const PendingFor = 15 * time.Minute

// ErrNoEntry means no entry has the seq asked for.
var ErrNoEntry = errors.New("audit: no such entry")

// Place is one stored entry with what a reviewer reads next to it: the
// other entry of its request, and where it sits in the chain.
type Place struct {
	// Entry is the entry as stored.
	Entry Entry
	// Begin, on an entry that records an outcome, is the pending entry it
	// completes; Outcome, on a pending entry, is the entry that records its
	// outcome. Each is nil otherwise, Outcome also while none is recorded.
	Begin, Outcome *Entry
	// Head is the seq of the chain's last entry: the entry has a next one
	// when its Seq is below Head.
	Head int64
	// Checkpoint is the first signed checkpoint that covers the entry, nil
	// while none does yet.
	Checkpoint *Checkpoint
}

// Place returns the entry at seq with the other entry of its request, the
// chain's head and the first checkpoint that covers it, each read by a key
// or an index. It returns an error wrapping ErrNoEntry when no entry has
// this seq.
func (t *Trail) Place(ctx context.Context, seq int64) (Place, error) {
	t.settle()
	var p Place
	e, err := t.storedEntry(ctx, "seq = ?", seq)
	if errors.Is(err, sql.ErrNoRows) {
		return Place{}, fmt.Errorf("reading audit entry %d: %w", seq, ErrNoEntry)
	}
	if err != nil {
		return Place{}, err
	}
	p.Entry = e
	if e.RefSeq > 0 {
		p.Begin, err = t.optionalEntry(ctx, "seq = ?", e.RefSeq)
	} else if e.Outcome == OutcomePending {
		p.Outcome, err = t.optionalEntry(ctx, "ref_seq = ? AND ref_seq > 0", e.Seq)
	}
	if err != nil {
		return Place{}, err
	}
	if err := t.db.QueryRow(ctx, "SELECT head_seq FROM audit_chain WHERE id = 1").Scan(&p.Head); err != nil {
		return Place{}, fmt.Errorf("reading the audit chain's head: %w", err)
	}
	var cp Checkpoint
	var at int64
	err = t.db.QueryRow(ctx, "SELECT "+checkpointColumns+" FROM audit_checkpoints WHERE seq >= ? ORDER BY seq LIMIT 1", seq).
		Scan(&cp.Seq, &cp.Hash, &at, &cp.KeyID, &cp.Signature, &cp.Number, &cp.Note)
	switch {
	case err == nil:
		cp.Time, cp.Root = sqldb.FromMicros(at), noteRoot(cp.Note)
		p.Checkpoint = &cp
	case !errors.Is(err, sql.ErrNoRows):
		return Place{}, fmt.Errorf("reading the checkpoint that covers audit entry %d: %w", seq, err)
	}
	return p, nil
}

// storedEntry reads the one entry where cond holds for arg.
func (t *Trail) storedEntry(ctx context.Context, cond string, arg int64) (Entry, error) {
	r, err := scanStored(t.db.QueryRow(ctx, "SELECT "+storedColumns+" FROM audit_entries WHERE "+cond, arg))
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		err = fmt.Errorf("reading the audit entry where %s, %d: %w", cond, arg, err)
	}
	return r.Entry, err
}

// optionalEntry is storedEntry, with nil when no entry matches.
func (t *Trail) optionalEntry(ctx context.Context, cond string, arg int64) (*Entry, error) {
	e, err := t.storedEntry(ctx, cond, arg)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, err
	}
	return &e, nil
}
