package audit

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// Query limits.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// Filter selects entries. Zero fields match everything.
type Filter struct {
	// UserID selects the entries whose actor or subject is this user.
	UserID string
	// UserEmail, with UserID, also selects the entries whose subject has
	// this email and no id, as an invitation sent to the user before they
	// signed in. ResolveUser sets it; it is lower case.
	UserEmail string
	// Scope selects the entries that used this scope, and the consent
	// entries (ConsentEvents) whose space-separated Scope lists it: the
	// grants and refusals of it.
	Scope           string
	Method, Purpose string
	Event           Event
	Outcome         Outcome
	// Since and Until bound the entries' time: Since <= Time < Until.
	Since, Until time.Time
	// Raw selects every stored entry as stored: a request's pending entry
	// and the entry that records its outcome. Otherwise each request is one
	// entry, its pending entry completed with its outcome ("unknown" when
	// none was recorded).
	Raw bool
	// PendingSince, when not zero, is how far back a request without a
	// recorded outcome reads as still pending rather than unknown: one
	// begun at or after it may still be in flight (see PendingFor). Zero
	// reads every such request as unknown. It does not change raw entries.
	PendingSince time.Time
	// Desc orders newest first.
	Desc bool
	// Cursor continues from a previous Page's Next: the page after it.
	Cursor string
	// Prev goes back, instead, from a previous Page's Prev: the page
	// before it, still in the filter's order. At most one of Cursor and
	// Prev is set.
	Prev string
	// Limit is the page size: 0 means DefaultLimit; at most MaxLimit.
	Limit int
}

// Page is one page of entries, in the filter's order.
type Page struct {
	Entries []Entry
	// Prev is the cursor for the page before this one (Filter.Prev), ""
	// when no entry that matches comes before it.
	Prev string
	// Next is the cursor for the page after this one (Filter.Cursor), ""
	// when no entry that matches follows it yet.
	Next string
}

// ConsentEvents are the events whose Scope lists every scope a consent
// granted or refused, separated by spaces, rather than the one scope a
// request used.
var ConsentEvents = []Event{EventAuthorize, EventSignIn, EventDeny}

// consentEventList is ConsentEvents as an SQL list of literals.
var consentEventList = func() string {
	quoted := make([]string, len(ConsentEvents))
	for i, e := range ConsentEvents {
		quoted[i] = "'" + string(e) + "'"
	}
	return strings.Join(quoted, ", ")
}()

// likeEscaper escapes LIKE's wildcards and its escape character.
var likeEscaper = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`)

// Query returns one page of the entries that match f, ordered by seq, with
// the cursors of the pages before and after it. Pagination is by keyset, so
// pages stay fast and stable while entries are appended.
func (t *Trail) Query(ctx context.Context, f Filter) (Page, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	back := f.Prev != ""
	if back && f.Cursor != "" {
		return Page{}, fmt.Errorf("querying the audit trail: both a next and a previous cursor: %w", ErrBadCursor)
	}
	w := window{desc: f.Desc != back}
	if c := f.Cursor + f.Prev; c != "" {
		seq, err := strconv.ParseInt(c, 10, 64)
		if err != nil || seq < 0 {
			return Page{}, fmt.Errorf("querying the audit trail: cursor %q: %w", c, ErrBadCursor)
		}
		w.past, w.bounded = seq, true
	}
	// One entry more than the page tells whether another page lies beyond
	// it; one entry on the other side of its nearest entry tells whether
	// one lies behind it, the way the cursor came.
	entries, err := t.read(ctx, f, w, limit+1)
	if err != nil {
		return Page{}, err
	}
	beyond := len(entries) > limit
	entries = entries[:min(len(entries), limit)]
	behind := false
	if w.bounded && len(entries) > 0 {
		other, err := t.read(ctx, f, window{desc: !w.desc, past: entries[0].Seq, bounded: true}, 1)
		if err != nil {
			return Page{}, err
		}
		behind = len(other) > 0
	}
	p := Page{Entries: entries}
	if len(entries) == 0 {
		return p, nil
	}
	if back {
		slices.Reverse(p.Entries)
		beyond, behind = behind, beyond
	}
	if beyond {
		p.Next = strconv.FormatInt(p.Entries[len(p.Entries)-1].Seq, 10)
	}
	if behind {
		p.Prev = strconv.FormatInt(p.Entries[0].Seq, 10)
	}
	return p, nil
}

// window is where a query reads: in which order and, when bounded, from
// past which seq.
type window struct {
	desc    bool
	past    int64
	bounded bool
}

// read returns up to limit entries that match f in w.
func (t *Trail) read(ctx context.Context, f Filter, w window, limit int) ([]Entry, error) {
	t.settle()
	q, args := buildQuery(f, w, limit)
	rows, err := t.db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("querying the audit trail: %w", err)
	}
	defer rows.Close()
	entries := make([]Entry, 0, limit)
	for rows.Next() {
		var e Entry
		var at, latency, audio int64
		if err := rows.Scan(&e.Seq, &e.ID, &at, &e.ActorID, &e.ActorEmail, &e.ClientID, &e.Event, &e.APIName,
			&e.MethodName, &e.Scope, &e.Purpose, &e.Resource, &e.HTTPStatus, &e.ErrorReason, &e.Outcome,
			&e.NumResponseBytes, &e.Items, &latency, &e.RequestID, &e.Replica, &e.RefSeq, &e.PrevHash, &e.Hash,
			&e.Host, &e.BytesSent, &audio, &e.SubjectID, &e.SubjectEmail); err != nil {
			return nil, fmt.Errorf("querying the audit trail: %w", err)
		}
		e.Time, e.Latency = sqldb.FromMicros(at), time.Duration(latency)*time.Microsecond
		e.AudioDuration = time.Duration(audio) * time.Microsecond
		entries = append(entries, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("querying the audit trail: %w", err)
	}
	return entries, nil
}

// Entries returns every entry that matches f, from f.Cursor on, reading a
// page of f.Limit entries at a time, so that memory stays constant however
// many entries match.
func (t *Trail) Entries(ctx context.Context, f Filter) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		for {
			p, err := t.Query(ctx, f)
			if err != nil {
				yield(Entry{}, err)
				return
			}
			for _, e := range p.Entries {
				if !yield(e, nil) {
					return
				}
			}
			if p.Next == "" {
				return
			}
			f.Cursor = p.Next
		}
	}
}

// buildQuery writes the SQL for up to limit entries that match f in w:
// stored entries when f.Raw, else one row per request (requestQuery).
func buildQuery(f Filter, w window, limit int) (string, []any) {
	if !f.Raw {
		return requestQuery(f, w, limit)
	}
	c := entryConds(f)
	for _, v := range []struct{ col, val string }{{"b.event", string(f.Event)}, {"b.outcome", string(f.Outcome)}} {
		if v.val != "" {
			c.add(v.col+" = ?", v.val)
		}
	}
	return `SELECT b.seq, b.id, b.time_us, b.actor_id, b.actor_email, b.client_id, b.event, b.api_name,
			b.method_name, b.scope, b.purpose, b.resource, b.http_status, b.error_reason, b.outcome,
			b.num_response_bytes, b.items, b.latency_us, b.request_id, b.replica, b.ref_seq, b.prev_hash, b.hash,
			b.host, b.bytes_sent, b.audio_us, b.subject_id, b.subject_email
			FROM audit_entries b WHERE 1 = 1` + c.sql.String() + windowConds(w, "b.seq") + orderBy("b.seq", w),
		slices.Concat(c.args, windowArgs(w), []any{limit})
}

// conds is the WHERE conditions of a query being written, each after AND,
// with their arguments.
type conds struct {
	sql  strings.Builder
	args []any
}

// add adds a condition with its arguments.
func (c *conds) add(cond string, args ...any) {
	c.sql.WriteString(" AND " + cond)
	c.args = append(c.args, args...)
}

// windowConds is the bound of w on the column seq, "" when w has none;
// windowArgs are its arguments.
func windowConds(w window, seq string) string {
	switch {
	case w.bounded && w.desc:
		return " AND " + seq + " < ?"
	case w.bounded:
		return " AND " + seq + " > ?"
	}
	return ""
}

// windowArgs are the arguments of windowConds.
func windowArgs(w window) []any {
	if w.bounded {
		return []any{w.past}
	}
	return nil
}

// orderBy is the ORDER BY and LIMIT clause of a query that reads by seq
// in w's order; its argument is the limit.
func orderBy(seq string, w window) string {
	if w.desc {
		return " ORDER BY " + seq + " DESC LIMIT ?"
	}
	return " ORDER BY " + seq + " ASC LIMIT ?"
}

// entryConds returns the conditions of f on the stored entry b, a
// request's first entry: its user, scope, method, purpose and time.
func entryConds(f Filter) *conds {
	c := &conds{}
	switch {
	case f.UserID != "" && f.UserEmail != "":
		c.add("(b.actor_id = ? OR (b.subject_id = ? AND b.subject_id <> '') OR (b.subject_email = ? AND b.subject_email <> ''))",
			f.UserID, f.UserID, f.UserEmail)
	case f.UserID != "":
		c.add("(b.actor_id = ? OR (b.subject_id = ? AND b.subject_id <> ''))", f.UserID, f.UserID)
	}
	if f.Scope != "" {
		c.add("(b.scope = ? OR (b.event IN ("+consentEventList+`) AND ' ' || b.scope || ' ' LIKE ? ESCAPE '\'))`,
			f.Scope, "% "+likeEscaper.Replace(f.Scope)+" %")
	}
	for _, v := range []struct{ col, val string }{{"b.method_name", f.Method}, {"b.purpose", f.Purpose}} {
		if v.val != "" {
			c.add(v.col+" = ?", v.val)
		}
	}
	if !f.Since.IsZero() {
		c.add("b.time_us >= ?", f.Since.UnixMicro())
	}
	if !f.Until.IsZero() {
		c.add("b.time_us < ?", f.Until.UnixMicro())
	}
	return c
}
