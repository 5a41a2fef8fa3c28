package auditcli

import (
	"cmp"
	"slices"
	"time"

	"github.com/scopetrail/scopetrail/scopes/audit"
)

// requests joins the entries tail reads, as stored, into one row per
// request: the entry written before a request left (outcome pending) and
// the entry that records its outcome (RefSeq) make one row, numbered and
// timed as the first, with the second's outcome. Every other entry is a
// row of its own, and so is an outcome whose pending entry was not read,
// numbered as that entry.
type requests struct {
	// open holds the pending entries read whose outcome has not been,
	// by seq.
	open map[int64]*openRequest
}

// openRequest is a pending entry waiting for its outcome.
type openRequest struct {
	begin audit.Entry
	// seen is when it was read; shown, whether it was printed pending.
	seen  time.Time
	shown bool
}

// newRequests returns an empty join.
func newRequests() *requests { return &requests{open: map[int64]*openRequest{}} }

// join returns the row of a request: its begin entry completed by the
// entry that records its outcome.
func join(begin, outcome audit.Entry) audit.Entry {
	row := outcome
	row.Seq, row.ID, row.Time, row.PrevHash, row.Hash = begin.Seq, begin.ID, begin.Time, begin.PrevHash, begin.Hash
	return row
}

// batch joins entries read together, in seq order, and returns their rows
// in the order of each row's first entry. A request still pending is a row
// with outcome pending; its outcome, if a later read brings it (next),
// prints the row again.
func (r *requests) batch(entries []audit.Entry, now time.Time) []audit.Entry {
	var rows []audit.Entry
	at := map[int64]int{}
	for _, e := range entries {
		if i, ok := at[e.RefSeq]; ok && e.RefSeq > 0 {
			rows[i] = join(rows[i], e)
			delete(r.open, e.RefSeq)
			continue
		}
		if e.Outcome == audit.OutcomePending {
			at[e.Seq] = len(rows)
			r.open[e.Seq] = &openRequest{begin: e, seen: now, shown: true}
		} else if e.RefSeq > 0 {
			e.Seq = e.RefSeq
		}
		rows = append(rows, e)
	}
	return rows
}

// next takes an entry read after the rows printed so far and returns the
// row to print now, or false for a pending entry, which waits for its
// outcome (see stale).
func (r *requests) next(e audit.Entry, now time.Time) (audit.Entry, bool) {
	if e.Outcome == audit.OutcomePending {
		r.open[e.Seq] = &openRequest{begin: e, seen: now}
		return audit.Entry{}, false
	}
	if o, ok := r.open[e.RefSeq]; ok && e.RefSeq > 0 {
		delete(r.open, e.RefSeq)
		return join(o.begin, e), true
	}
	if e.RefSeq > 0 {
		e.Seq = e.RefSeq
	}
	return e, true
}

// stale returns, in seq order, the pending requests read before now-wait
// that are still waiting for their outcome and were not printed yet, so
// that a request in flight for long shows as pending.
func (r *requests) stale(now time.Time, wait time.Duration) []audit.Entry {
	var rows []audit.Entry
	for _, o := range r.open {
		if !o.shown && now.Sub(o.seen) >= wait {
			o.shown = true
			rows = append(rows, o.begin)
		}
	}
	slices.SortFunc(rows, func(a, b audit.Entry) int { return cmp.Compare(a.Seq, b.Seq) })
	return rows
}
