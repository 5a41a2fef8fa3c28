package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
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

// pendingAsUnknown is the outcome of a request as read: its recorded
// outcome, else "unknown" when it began before the time given as its one
// argument, else "pending".
const pendingAsUnknown = "COALESCE(r.outcome, CASE WHEN b.outcome = 'pending' AND b.time_us < ? THEN 'unknown' ELSE b.outcome END)"

// requestColumns are the columns of a request read as one entry: b is its
// first entry, or the entry itself when it is not a request; r is the
// entry that records its outcome, NULL while none does. Its one argument
// is pendingAsUnknown's.
const requestColumns = `b.seq, b.id, b.time_us, b.actor_id, b.actor_email, b.client_id, COALESCE(r.event, b.event), b.api_name,
	b.method_name, b.scope, b.purpose, b.resource, COALESCE(r.http_status, b.http_status),
	COALESCE(r.error_reason, b.error_reason), ` + pendingAsUnknown + `,
	COALESCE(r.num_response_bytes, b.num_response_bytes), COALESCE(r.items, b.items),
	COALESCE(r.latency_us, b.latency_us), b.request_id, b.replica, b.ref_seq, b.prev_hash, b.hash,
	b.host, COALESCE(r.bytes_sent, b.bytes_sent), COALESCE(r.audio_us, b.audio_us), b.subject_id, b.subject_email`

// requestQuery writes the SQL for up to limit requests that match f in w,
// each request one row, its first entry b joined with its outcome entry r.
//
// Without an event or outcome filter it reads the first entries in seq
// order. The event and the outcome, which the outcome entry may set, are
// found instead as lists of seqs, each read in seq order through an index
// of migration 00024 and cut at the page's size, and the page's rows are
// then read by seq (keyed). A value found in both kinds of entries is the
// union of the first entries that hold it and keep it (no outcome entry
// changes it) and the outcome entries that set it; a request without an
// outcome (pending or unknown) is a first entry that no outcome entry
// names, the difference of two indexes read in order.
func requestQuery(f Filter, w window, limit int) (string, []any) {
	// Before the first time a request without an outcome reads as
	// pending: never, by default.
	pendingFrom := int64(math.MaxInt64)
	if !f.PendingSince.IsZero() {
		pendingFrom = f.PendingSince.UnixMicro()
	}
	c := entryConds(f)
	if f.Event == "" && f.Outcome == "" {
		return "SELECT " + requestColumns + ` FROM audit_entries b LEFT JOIN audit_entries r ON r.ref_seq = b.seq AND r.ref_seq > 0
			WHERE b.ref_seq = 0` + c.sql.String() + windowConds(w, "b.seq") + orderBy("b.seq", w),
			slices.Concat([]any{pendingFrom}, c.args, windowArgs(w), []any{limit})
	}
	// firsts selects first entries b, completed outcome entries r with
	// their first entries b, each by the seq of the first entry.
	firsts := &conds{args: slices.Clone(c.args)}
	firsts.sql.WriteString("SELECT b.seq AS seq FROM audit_entries b WHERE b.ref_seq = 0" + c.sql.String())
	completed := &conds{args: slices.Clone(c.args)}
	completed.sql.WriteString(`SELECT r.ref_seq AS seq FROM audit_entries r JOIN audit_entries b ON b.seq = r.ref_seq
		WHERE r.ref_seq > 0 AND b.ref_seq = 0` + c.sql.String())
	event := string(f.Event)
	switch f.Outcome {
	case "":
		// The event alone: kept by the first entry, or set by the outcome.
		firsts.add("b.event = ? AND NOT EXISTS (SELECT 1 FROM audit_entries o WHERE o.ref_seq = b.seq AND o.ref_seq > 0 AND o.event <> ?)",
			event, event)
		completed.add("r.event = ? AND b.event <> ?", event, event)
		event = ""
	case OutcomePending, OutcomeUnknown:
		completed = nil
		op := ">="
		if f.Outcome == OutcomeUnknown {
			op = "<"
		}
		firsts.add("b.outcome = 'pending' AND b.time_us "+op+" ?", pendingFrom)
	default:
		// An entry that is not a request holds its outcome; a request's
		// outcome entry holds its.
		firsts.add("b.outcome = ?", string(f.Outcome))
		completed.add("r.outcome = ?", string(f.Outcome))
	}
	if event != "" {
		// With an outcome: the entry that holds the outcome holds the
		// event.
		firsts.add("b.event = ?", event)
		if completed != nil {
			completed.add("r.event = ?", event)
		}
	}
	firsts.sql.WriteString(windowConds(w, "b.seq"))
	firsts.args = append(firsts.args, windowArgs(w)...)
	var seqs string
	args := []any{pendingFrom}
	if completed == nil {
		// The first entries that no outcome entry names.
		seqs = firsts.sql.String() + " EXCEPT SELECT o.ref_seq FROM audit_entries o WHERE o.ref_seq > 0" +
			windowConds(w, "o.ref_seq") + orderBy("1", w)
		args = slices.Concat(args, firsts.args, windowArgs(w), []any{limit})
	} else {
		completed.sql.WriteString(windowConds(w, "r.ref_seq"))
		seqs = "SELECT seq FROM (" + firsts.sql.String() + orderBy("b.seq", w) + ") firsts UNION ALL SELECT seq FROM (" +
			completed.sql.String() + orderBy("r.ref_seq", w) + ") completed"
		args = slices.Concat(args, firsts.args, []any{limit}, completed.args, windowArgs(w), []any{limit})
	}
	return "SELECT " + requestColumns + ` FROM (` + seqs + `) page JOIN audit_entries b ON b.seq = page.seq
		LEFT JOIN audit_entries r ON r.ref_seq = b.seq AND r.ref_seq > 0` + orderBy("b.seq", w), append(args, limit)
}
