package audit

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// UsageSummary is what the least-privilege report reads of the trail: the
// calls in two windows, as UsageWindows counts them, and every user's last
// call with every scope, as LastUse finds it, both as of the same entries.
type UsageSummary struct {
	Windows []WindowUsage
	LastUse map[UserScope]time.Time
}

// UserScope names a user and a scope.
type UserScope struct{ UserID, Scope string }

// rollupChunk bounds how many entries one transaction adds to the roll-up,
// so that catching up a long trail never holds the write lock for long.
const rollupChunk = 50_000

// UsageSummary returns the calls made since a time and, of those, since
// recent, a later time, by scope, method and user, and every user's latest
// call with each scope. It reads the usage roll-up (audit_usage_*) and
// moves it to the entries up to the trail's head and to these windows: it
// reads only the entries appended since the roll-up was stored and those
// that entered or left the windows since, so its cost does not grow with
// the trail. The result is exactly what UsageWindows and LastUse give.
//
// Most summaries move the roll-up in memory only, in a read-only
// transaction that never waits for the appenders' write lock (peekUsage);
// one that finds it more than rollupWriteBack entries behind stores the
// move, in transactions of at most rollupChunk entries.
//
// The roll-up counts each entry once, when it first reads it, and counts
// rows as stored, as the full scan does: an entry edited or deleted after
// it was counted still counts as it was. Such edits are what Verify
// detects, so a summary is only as trustworthy as the trail's last verify.
func (t *Trail) UsageSummary(ctx context.Context, since, recent time.Time) (UsageSummary, error) {
	a := since.UnixMicro()
	r := max(recent.UnixMicro(), a)
	u, err := t.peekUsage(ctx, a, r)
	if err != nil {
		return UsageSummary{}, fmt.Errorf("reading scope usage: %w", err)
	}
	if u != nil {
		return u.summary(), nil
	}
	for {
		err := t.db.InTx(ctx, func(tx *sqldb.Tx) error {
			var err error
			u, err = advanceRollup(ctx, tx, u, a, r)
			return err
		})
		if err != nil {
			return UsageSummary{}, fmt.Errorf("rolling up scope usage: %w", err)
		}
		if u.caughtUp {
			return u.summary(), nil
		}
	}
}

// rollupWriteBack is how many entries a summary may read past the stored
// roll-up, in all, before it stores its progress rather than keep it in
// memory: enough that pages reading the report while the trail grows store
// it rarely, few enough that each reads little.
const rollupWriteBack = 10_000

// peekUsage reads the stored roll-up and moves it, in memory, to the
// trail's head and to the windows starting at since and recent, in a
// read-only transaction. It returns nil when there is no stored roll-up or
// the move reads more than rollupWriteBack entries: then it is time to
// store one.
func (t *Trail) peekUsage(ctx context.Context, since, recent int64) (*rollup, error) {
	var u *rollup
	err := t.db.InReadTx(ctx, func(tx *sqldb.Tx) error {
		var err error
		if u, err = readRollup(ctx, tx, nil, since, recent, false); err != nil || u == nil {
			return err
		}
		head, err := trailHead(ctx, tx)
		if err != nil {
			return err
		}
		if head-u.upto > rollupWriteBack {
			u = nil
			return nil
		}
		if err := u.advance(ctx, tx, since, recent, head); err != nil {
			return err
		}
		if u.read > rollupWriteBack {
			u = nil
		}
		return nil
	})
	return u, err
}

// rollup is the usage roll-up as one transaction reads and moves it.
type rollup struct {
	upto, since, recent int64
	windows             map[usageKey]*usageCounts
	last                map[UserScope]int64
	// dirty are the keys whose rows changed.
	dirtyWindows map[usageKey]bool
	dirtyLast    map[UserScope]bool
	caughtUp     bool
	// read counts the entries the moves read.
	read int64
}

type usageKey struct{ scope, method, user string }

type usageCounts struct{ calls, recent, last int64 }

// rollupCalls is the condition an entry that counts as a call meets, for
// the roll-up's reads, which must go by seq (windowEntries by time) and not
// through audit_entries_usage, where event = 'activity' would have them read
// every call of the trail: the event is compared as an expression, which no
// index serves, in SQLite and PostgreSQL alike.
const rollupCalls = "event || '' = 'activity' AND ref_seq = 0 AND scope <> ''"

// newEntries are the calls after entry ? up to entry ?.
const newEntries = `SELECT scope, method_name, actor_id, time_us FROM audit_entries
		WHERE seq > ? AND seq <= ? AND ` + rollupCalls

// windowEntries are the calls at times from ? to before ?, up to entry ?.
const windowEntries = `SELECT scope, method_name, actor_id, time_us FROM audit_entries
		WHERE time_us >= ? AND time_us < ? AND seq <= ? AND ` + rollupCalls

// advanceRollup moves the roll-up to the windows starting at since and
// recent and adds up to rollupChunk entries towards the trail's head, and
// stores it. The roll-up's rows are a function of its state (the entries
// counted and the windows), so prev, the roll-up as the transaction before
// left it, is reused when the state is still the one it left.
func advanceRollup(ctx context.Context, tx *sqldb.Tx, prev *rollup, since, recent int64) (*rollup, error) {
	u, err := readRollup(ctx, tx, prev, since, recent, true)
	if err != nil {
		return nil, err
	}
	head, err := trailHead(ctx, tx)
	if err != nil {
		return nil, err
	}
	if err := u.advance(ctx, tx, since, recent, min(head, u.upto+rollupChunk)); err != nil {
		return nil, err
	}
	u.caughtUp = u.upto >= head
	return u, u.write(ctx, tx)
}

// trailHead returns the seq of the trail's last entry, 0 when it is empty.
func trailHead(ctx context.Context, tx *sqldb.Tx) (int64, error) {
	var head int64
	if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(seq), 0) FROM audit_entries").Scan(&head); err != nil {
		return 0, fmt.Errorf("reading the trail's head: %w", err)
	}
	return head, nil
}

// advance moves the roll-up, in memory, to the windows starting at since
// and recent and counts the entries after u.upto up to entry to.
func (u *rollup) advance(ctx context.Context, tx *sqldb.Tx, since, recent, to int64) error {
	if err := u.moveWindow(ctx, tx, u.since, since, false); err != nil {
		return err
	}
	if err := u.moveWindow(ctx, tx, u.recent, recent, true); err != nil {
		return err
	}
	u.since, u.recent = since, recent
	if to > u.upto {
		if err := u.add(ctx, tx, to); err != nil {
			return err
		}
		u.upto = to
	}
	return nil
}

// readRollup reads the roll-up, or takes prev's rows when it is in the
// same state. To store it (lock), it first creates it, counting nothing in
// the windows asked for, and locks it; to read it only, it returns nil when
// there is none.
func readRollup(ctx context.Context, tx *sqldb.Tx, prev *rollup, since, recent int64, lock bool) (*rollup, error) {
	q := rollupState
	if lock {
		if _, err := tx.Exec(ctx, "INSERT INTO audit_usage_state (id, upto_seq, since_us, recent_us) VALUES (1, 0, ?, ?) ON CONFLICT (id) DO NOTHING",
			since, recent); err != nil {
			return nil, fmt.Errorf("creating the usage roll-up: %w", err)
		}
		if tx.Dialect() == sqldb.Postgres {
			q += " FOR UPDATE"
		}
	}
	u, err := scanRollupState(tx.QueryRow(ctx, q))
	if err != nil || u == nil {
		return nil, err
	}
	if prev != nil && prev.upto == u.upto && prev.since == u.since && prev.recent == u.recent {
		u.windows, u.last = prev.windows, prev.last
		return u, nil
	}
	rows, err := tx.Query(ctx, "SELECT scope, method_name, actor_id, calls, recent, last_us FROM audit_usage_window")
	if err != nil {
		return nil, fmt.Errorf("reading the usage roll-up: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k usageKey
		var c usageCounts
		if err := rows.Scan(&k.scope, &k.method, &k.user, &c.calls, &c.recent, &c.last); err != nil {
			return nil, fmt.Errorf("reading the usage roll-up: %w", err)
		}
		u.windows[k] = &c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the usage roll-up: %w", err)
	}
	lrows, err := tx.Query(ctx, "SELECT actor_id, scope, last_us FROM audit_usage_last")
	if err != nil {
		return nil, fmt.Errorf("reading the usage roll-up: %w", err)
	}
	defer lrows.Close()
	for lrows.Next() {
		var k UserScope
		var at int64
		if err := lrows.Scan(&k.UserID, &k.Scope, &at); err != nil {
			return nil, fmt.Errorf("reading the usage roll-up: %w", err)
		}
		u.last[k] = at
	}
	if err := lrows.Err(); err != nil {
		return nil, fmt.Errorf("reading the usage roll-up: %w", err)
	}
	return u, nil
}

// readRollupState reads the stored roll-up's state, without its rows, or
// nil when there is none.
func readRollupState(ctx context.Context, tx *sqldb.Tx) (*rollup, error) {
	return scanRollupState(tx.QueryRow(ctx, rollupState))
}

// rollupState reads the stored roll-up's state row.
const rollupState = "SELECT upto_seq, since_us, recent_us FROM audit_usage_state WHERE id = 1"

// scanRollupState reads the state row into an empty roll-up, or returns
// nil when there is no row.
func scanRollupState(row *sql.Row) (*rollup, error) {
	u := &rollup{windows: map[usageKey]*usageCounts{}, last: map[UserScope]int64{},
		dirtyWindows: map[usageKey]bool{}, dirtyLast: map[UserScope]bool{}}
	err := row.Scan(&u.upto, &u.since, &u.recent)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the usage roll-up's state: %w", err)
	}
	return u, nil
}

// counts returns the counts of a key, marked changed.
func (u *rollup) counts(k usageKey) *usageCounts {
	c := u.windows[k]
	if c == nil {
		c = &usageCounts{}
		u.windows[k] = c
	}
	u.dirtyWindows[k] = true
	return c
}

// moveWindow moves the start of a window, from from to to, over the
// entries counted: the calls between the two leave it or enter it. The
// latest call in the window stays the latest when calls leave, since they
// are all older than the calls that stay.
func (u *rollup) moveWindow(ctx context.Context, tx *sqldb.Tx, from, to int64, recent bool) error {
	if from == to || u.upto == 0 {
		return nil
	}
	lo, hi, sign := from, to, int64(-1)
	if to < from {
		lo, hi, sign = to, from, 1
	}
	// Read by time and counted here, as add does.
	rows, err := tx.Query(ctx, windowEntries, lo, hi, u.upto)
	if err != nil {
		return fmt.Errorf("moving the usage windows: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k usageKey
		var at int64
		if err := rows.Scan(&k.scope, &k.method, &k.user, &at); err != nil {
			return fmt.Errorf("moving the usage windows: %w", err)
		}
		u.read++
		c := u.counts(k)
		switch {
		case recent:
			c.recent += sign
		default:
			c.calls += sign
			if sign > 0 {
				c.last = max(c.last, at)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("moving the usage windows: %w", err)
	}
	return nil
}

// add counts the entries after u.upto up to to. It reads them by seq, and
// counts them here: grouped by the database, they would be read through the
// usage index, all of them.
func (u *rollup) add(ctx context.Context, tx *sqldb.Tx, to int64) error {
	rows, err := tx.Query(ctx, newEntries, u.upto, to)
	if err != nil {
		return fmt.Errorf("counting entries %d to %d: %w", u.upto+1, to, err)
	}
	defer rows.Close()
	for rows.Next() {
		var k usageKey
		var at int64
		if err := rows.Scan(&k.scope, &k.method, &k.user, &at); err != nil {
			return fmt.Errorf("counting entries %d to %d: %w", u.upto+1, to, err)
		}
		u.read++
		if at >= u.since {
			c := u.counts(k)
			c.calls, c.last = c.calls+1, max(c.last, at)
			if at >= u.recent {
				c.recent++
			}
		}
		us := UserScope{UserID: k.user, Scope: k.scope}
		if last, ok := u.last[us]; !ok || at > last {
			u.last[us], u.dirtyLast[us] = at, true
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("counting entries %d to %d: %w", u.upto+1, to, err)
	}
	return nil
}

// rollupRows is how many rows one statement of write upserts.
const rollupRows = 200

// write stores what changed.
func (u *rollup) write(ctx context.Context, tx *sqldb.Tx) error {
	var upsert []any
	for k := range u.dirtyWindows {
		c := u.windows[k]
		if c.calls == 0 {
			delete(u.windows, k)
			if _, err := tx.Exec(ctx, "DELETE FROM audit_usage_window WHERE scope = ? AND method_name = ? AND actor_id = ?",
				k.scope, k.method, k.user); err != nil {
				return fmt.Errorf("storing the usage roll-up: %w", err)
			}
			continue
		}
		upsert = append(upsert, k.scope, k.method, k.user, c.calls, c.recent, c.last)
	}
	if err := upsertRows(ctx, tx, `INSERT INTO audit_usage_window (scope, method_name, actor_id, calls, recent, last_us)`,
		6, upsert, `(scope, method_name, actor_id) DO UPDATE SET calls = excluded.calls, recent = excluded.recent, last_us = excluded.last_us`); err != nil {
		return err
	}
	upsert = upsert[:0]
	for k := range u.dirtyLast {
		upsert = append(upsert, k.UserID, k.Scope, u.last[k])
	}
	if err := upsertRows(ctx, tx, `INSERT INTO audit_usage_last (actor_id, scope, last_us)`, 3, upsert,
		`(actor_id, scope) DO UPDATE SET last_us = excluded.last_us`); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "UPDATE audit_usage_state SET upto_seq = ?, since_us = ?, recent_us = ? WHERE id = 1",
		u.upto, u.since, u.recent); err != nil {
		return fmt.Errorf("storing the usage roll-up: %w", err)
	}
	return nil
}

// upsertRows runs insert, a statement of width columns, over args, many
// rows per statement, updating on conflict as onConflict says.
func upsertRows(ctx context.Context, tx *sqldb.Tx, insert string, width int, args []any, onConflict string) error {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", width), ", ") + ")"
	for i := 0; i < len(args); i += width * rollupRows {
		part := args[i:min(i+width*rollupRows, len(args))]
		q := insert + " VALUES " + strings.TrimSuffix(strings.Repeat(row+", ", len(part)/width), ", ") + " ON CONFLICT " + onConflict
		if _, err := tx.Exec(ctx, q, part...); err != nil {
			return fmt.Errorf("storing the usage roll-up: %w", err)
		}
	}
	return nil
}

// summary returns the roll-up as UsageWindows and LastUse give it.
func (u *rollup) summary() UsageSummary {
	s := UsageSummary{Windows: make([]WindowUsage, 0, len(u.windows)), LastUse: make(map[UserScope]time.Time, len(u.last))}
	for k, c := range u.windows {
		s.Windows = append(s.Windows, WindowUsage{Usage: Usage{Scope: k.scope, Method: k.method, UserID: k.user, Calls: c.calls,
			Last: sqldb.FromMicros(c.last)}, Recent: c.recent})
	}
	slices.SortFunc(s.Windows, func(a, b WindowUsage) int {
		return cmp.Or(cmp.Compare(a.Scope, b.Scope), cmp.Compare(a.Method, b.Method), cmp.Compare(a.UserID, b.UserID))
	})
	for k, at := range u.last {
		s.LastUse[k] = sqldb.FromMicros(at)
	}
	return s
}

// DefaultRollupInterval is how often RunUsageRollup brings the stored
// usage roll-up up to the trail's head when no interval is given.
const DefaultRollupInterval = 30 * time.Second

// RunUsageRollup keeps the stored usage roll-up, once a report has made
// one, and the daily roll-up of the usage charts within every
// (DefaultRollupInterval when zero) of the trail's head, counting the
// entries appended since: so that the report a reviewer opens after a
// quiet week, or on a trail that grew by a million entries, reads the few
// entries of the last moments and not the week's. It blocks until ctx ends. Failures are logged and retried at the
// next tick; they never hold up an append.
func (t *Trail) RunUsageRollup(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = DefaultRollupInterval
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if err := t.rollUpStored(ctx); err != nil && ctx.Err() == nil {
				t.log.Error("rolling up scope usage", "err", err)
			}
			if err := t.advanceDaily(ctx); err != nil && ctx.Err() == nil {
				t.log.Error("rolling up daily scope usage", "err", err)
			}
		}
	}
}

// rollUpStored moves the stored roll-up, if there is one, to the trail's
// head, in its own windows, rollupChunk entries a transaction.
func (t *Trail) rollUpStored(ctx context.Context) error {
	var state *rollup
	if err := t.db.InReadTx(ctx, func(tx *sqldb.Tx) error {
		var err error
		state, err = readRollupState(ctx, tx)
		return err
	}); err != nil || state == nil {
		return err
	}
	var u *rollup
	for u == nil || !u.caughtUp {
		err := t.db.InTx(ctx, func(tx *sqldb.Tx) error {
			var err error
			u, err = advanceRollup(ctx, tx, u, state.since, state.recent)
			return err
		})
		if err != nil {
			return fmt.Errorf("rolling up scope usage: %w", err)
		}
	}
	return nil
}
