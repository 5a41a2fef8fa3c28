package audit

import (
	"context"
	"fmt"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// afterKnownHead appends entries and moves the chain head in one statement,
// on PostgreSQL, if the head is still the one given: it moves only a head
// at that seq with that hash and seal, and the rows go in only if it moved.
// The arrays are the columns of the rows, in storedColumns order
// (entryColumns).
const afterKnownHead = `WITH moved AS (
	UPDATE audit_chain SET head_seq = ?, head_hash = ?, head_mac = ?
	WHERE id = 1 AND head_seq = ? AND head_hash = ? AND head_mac = ? RETURNING 1)
INSERT INTO audit_entries (` + storedColumns + `)
SELECT * FROM unnest(?::bigint[], ?::text[], ?::bigint[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[],
	?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::bigint[],
	?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::bigint[],
	?::bigint[], ?::text[], ?::text[])
WHERE EXISTS (SELECT 1 FROM moved)`

// writeAfterKnown appends batch after the head this trail's last batch
// left, in one statement and one round trip, without locking the head
// first, and reports whether it did. It did not, and changed nothing, when
// another appender moved the head since, or when someone changed the head
// or put a row in the way, which PostgreSQL refuses: the caller then writes
// the batch the usual way, which finds out which and says so. Any other
// error is returned, since the batch may have gone in: writing it again
// could store it twice.
func (t *Trail) writeAfterKnown(ctx context.Context, batch []*pending) (bool, error) {
	old, h := t.known, t.known
	entries, err := t.chain(&h, batch)
	if err != nil {
		return false, err
	}
	args := append([]any{h.seq, h.hash, h.mac, old.seq, old.hash, old.mac}, entryColumns(h.chainID, entries)...)
	res, err := t.db.Exec(ctx, afterKnownHead, args...)
	if sqldb.Refused(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("appending entries %d to %d: %w", old.seq+1, h.seq, err)
	}
	n, err := res.RowsAffected()
	switch {
	case err != nil:
		return false, fmt.Errorf("appending entries %d to %d: %w", old.seq+1, h.seq, err)
	case n == 0:
		return false, nil
	case n != int64(len(entries)):
		return false, fmt.Errorf("appending entries %d to %d: %d rows went in", old.seq+1, h.seq, n)
	}
	for i, p := range batch {
		p.out = entries[i]
	}
	t.known = h
	return true, nil
}

// entryColumns returns the columns of entries, one array each, in
// storedColumns order.
func entryColumns(chainID string, entries []Entry) []any {
	ints := func(f func(e *Entry) int64) []int64 {
		out := make([]int64, len(entries))
		for i := range entries {
			out[i] = f(&entries[i])
		}
		return out
	}
	strs := func(f func(e *Entry) string) []string {
		out := make([]string, len(entries))
		for i := range entries {
			out[i] = f(&entries[i])
		}
		return out
	}
	return []any{
		ints(func(e *Entry) int64 { return e.Seq }),
		strs(func(e *Entry) string { return e.ID }),
		ints(func(e *Entry) int64 { return int64(formatVersion(e)) }),
		strs(func(*Entry) string { return chainID }),
		ints(func(e *Entry) int64 { return e.Time.UnixMicro() }),
		strs(func(e *Entry) string { return e.ActorID }),
		strs(func(e *Entry) string { return e.ActorEmail }),
		strs(func(e *Entry) string { return e.ClientID }),
		strs(func(e *Entry) string { return string(e.Event) }),
		strs(func(e *Entry) string { return e.APIName }),
		strs(func(e *Entry) string { return e.MethodName }),
		strs(func(e *Entry) string { return e.Scope }),
		strs(func(e *Entry) string { return e.Purpose }),
		strs(func(e *Entry) string { return e.Resource }),
		ints(func(e *Entry) int64 { return int64(e.HTTPStatus) }),
		strs(func(e *Entry) string { return e.ErrorReason }),
		strs(func(e *Entry) string { return string(e.Outcome) }),
		ints(func(e *Entry) int64 { return e.NumResponseBytes }),
		ints(func(e *Entry) int64 { return e.Items }),
		ints(func(e *Entry) int64 { return e.Latency.Microseconds() }),
		strs(func(e *Entry) string { return e.RequestID }),
		strs(func(e *Entry) string { return e.Replica }),
		ints(func(e *Entry) int64 { return e.RefSeq }),
		strs(func(e *Entry) string { return e.PrevHash }),
		strs(func(e *Entry) string { return e.Hash }),
		strs(func(e *Entry) string { return e.Host }),
		ints(func(e *Entry) int64 { return e.BytesSent }),
		ints(func(e *Entry) int64 { return e.AudioDuration.Microseconds() }),
		strs(func(e *Entry) string { return e.SubjectID }),
		strs(func(e *Entry) string { return e.SubjectEmail }),
	}
}
