package audit

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// Daily is what the usage chart reads of the trail for one user, or for
// everyone: calls and bytes per UTC day and scope, the days with grants or
// revocations, and the latest call with each scope, ever.
type Daily struct {
	// Usage is sorted by day, then scope; a day or scope without calls or
	// bytes has no element.
	Usage []DailyUsage
	// Marks are the days with grants or revocations, sorted.
	Marks []DailyMark
	// LastUse is the latest call with each scope, ever, by scope.
	LastUse map[string]time.Time
}

// DailyUsage is one UTC day's use of one scope.
type DailyUsage struct {
	// Day is the day's midnight, UTC.
	Day   time.Time
	Scope string
	// Calls counts the API calls (activity entries, whatever their
	// outcome); Bytes sums the bytes of their responses.
	Calls, Bytes int64
}

// DailyMark counts one UTC day's grants (authorizations that succeeded)
// and revocations (revoke decisions that succeeded, not the calls to
// Google's revoke endpoint).
type DailyMark struct {
	Day                 time.Time
	Grants, Revocations int64
}

// dayMicros is a day in microseconds.
const dayMicros = int64(24 * time.Hour / time.Microsecond)

// dayOf returns the UTC day, counted from 1970-01-01, of a time in Unix
// microseconds.
func dayOf(us int64) int64 {
	d := us / dayMicros
	if us < 0 && us%dayMicros != 0 {
		d--
	}
	return d
}

// Daily returns the daily figures of one user, everyone's when userID is
// empty, for the UTC days from since's on. It reads the daily roll-up
// (audit_daily_*) and adds the entries appended since the roll-up last
// moved, by seq, so that its cost does not grow with the trail. It reads
// both in one read-only snapshot, which never waits for the appenders'
// write lock; only when the roll-up is more than rollupWriteBack entries
// behind does it first move it (RunUsageRollup keeps it closer). A user's
// figures are those of the entries they made, and for revocations those
// that concern them: an admin's revocation of a member marks the member's
// chart.
//
// Like UsageSummary, it counts entries as stored when it first read them;
// that they were not edited since is what Verify checks.
func (t *Trail) Daily(ctx context.Context, userID string, since time.Time) (Daily, error) {
	from := dayOf(since.UnixMicro())
	d, ok, err := t.peekDaily(ctx, userID, from)
	if err == nil && !ok {
		if err = t.advanceDaily(ctx); err != nil {
			return Daily{}, fmt.Errorf("rolling up daily scope usage: %w", err)
		}
		d, _, err = t.peekDaily(ctx, userID, from)
	}
	if err != nil {
		return Daily{}, fmt.Errorf("reading daily scope usage: %w", err)
	}
	return d, nil
}

// peekDaily reads a user's figures from day from on, from the stored
// roll-up and the entries after it, in a read-only transaction. It
// reports false, reading nothing, when there is no stored roll-up or it is
// more than rollupWriteBack entries behind the trail's head.
func (t *Trail) peekDaily(ctx context.Context, userID string, from int64) (d Daily, ok bool, err error) {
	err = t.db.InReadTx(ctx, func(tx *sqldb.Tx) error {
		var upto, head int64
		err := tx.QueryRow(ctx, "SELECT upto_seq, (SELECT COALESCE(MAX(seq), 0) FROM audit_entries) FROM audit_daily_state WHERE id = 1").
			Scan(&upto, &head)
		if errors.Is(err, sql.ErrNoRows) || err == nil && head-upto > rollupWriteBack {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading the daily roll-up's state: %w", err)
		}
		usage, marks, err := countDaily(ctx, tx, upto, head)
		if err != nil {
			return err
		}
		d, err = readDaily(ctx, tx, userID, from, usage, marks)
		ok = err == nil
		return err
	})
	return d, ok, err
}

// advanceDaily adds the entries appended since the roll-up last moved, a
// chunk per transaction, until it reaches the trail's head. When it is
// there already it writes nothing, so that charts read concurrently do not
// queue for the write lock.
func (t *Trail) advanceDaily(ctx context.Context) error {
	for {
		var upto, head int64
		if err := t.db.QueryRow(ctx, "SELECT COALESCE(MAX(upto_seq), 0), (SELECT COALESCE(MAX(seq), 0) FROM audit_entries) FROM audit_daily_state").
			Scan(&upto, &head); err != nil {
			return fmt.Errorf("reading the daily roll-up's state: %w", err)
		}
		if upto >= head {
			return nil
		}
		if err := t.db.InTx(ctx, func(tx *sqldb.Tx) error { return addDaily(ctx, tx) }); err != nil {
			return err
		}
	}
}

// dailyKey names one row of audit_daily_usage; dailyCounts are its
// figures.
type dailyKey struct {
	user  string
	day   int64
	scope string
}

type dailyCounts struct{ calls, bytes, last int64 }

// markKey names one row of audit_daily_marks; markCounts are its figures.
type markKey struct {
	user string
	day  int64
}

type markCounts struct{ grants, revocations int64 }

// dailyEntries are the entries after entry ? up to entry ? that the daily
// roll-up counts, read by seq.
const dailyEntries = `SELECT event, ref_seq, outcome, scope, actor_id, subject_id, time_us, num_response_bytes
	FROM audit_entries WHERE seq > ? AND seq <= ?`

// addDaily adds up to rollupChunk entries after the roll-up's to it, in
// one transaction that holds its state row.
func addDaily(ctx context.Context, tx *sqldb.Tx) error {
	if _, err := tx.Exec(ctx, "INSERT INTO audit_daily_state (id, upto_seq) VALUES (1, 0) ON CONFLICT (id) DO NOTHING"); err != nil {
		return fmt.Errorf("creating the daily roll-up: %w", err)
	}
	q := "SELECT upto_seq FROM audit_daily_state WHERE id = 1"
	if tx.Dialect() == sqldb.Postgres {
		q += " FOR UPDATE"
	}
	var upto, head int64
	if err := tx.QueryRow(ctx, q).Scan(&upto); err != nil {
		return fmt.Errorf("locking the daily roll-up: %w", err)
	}
	if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(seq), 0) FROM audit_entries").Scan(&head); err != nil {
		return fmt.Errorf("reading the trail's head: %w", err)
	}
	to := min(head, upto+rollupChunk)
	if to <= upto {
		return nil
	}
	usage, marks, err := countDaily(ctx, tx, upto, to)
	if err != nil {
		return err
	}
	if err := writeDaily(ctx, tx, usage, marks); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "UPDATE audit_daily_state SET upto_seq = ? WHERE id = 1", to); err != nil {
		return fmt.Errorf("storing the daily roll-up: %w", err)
	}
	return nil
}

// countDaily counts the entries after from up to to, each for its user and
// for everyone ("").
func countDaily(ctx context.Context, tx *sqldb.Tx, from, to int64) (map[dailyKey]*dailyCounts, map[markKey]*markCounts, error) {
	rows, err := tx.Query(ctx, dailyEntries, from, to)
	if err != nil {
		return nil, nil, fmt.Errorf("counting entries %d to %d by day: %w", from+1, to, err)
	}
	defer rows.Close()
	usage, marks := map[dailyKey]*dailyCounts{}, map[markKey]*markCounts{}
	for rows.Next() {
		var event, outcome, scope, actor, subject string
		var ref, at, bytes int64
		if err := rows.Scan(&event, &ref, &outcome, &scope, &actor, &subject, &at, &bytes); err != nil {
			return nil, nil, fmt.Errorf("counting entries %d to %d by day: %w", from+1, to, err)
		}
		day := dayOf(at)
		switch {
		case Event(event) == EventActivity && scope != "" && (ref == 0 || bytes != 0):
			for _, user := range []string{actor, ""} {
				k := dailyKey{user, day, scope}
				c := usage[k]
				if c == nil {
					c = &dailyCounts{}
					usage[k] = c
				}
				c.bytes += bytes
				if ref == 0 {
					c.calls, c.last = c.calls+1, max(c.last, at)
				}
			}
		case Event(event) == EventAuthorize && Outcome(outcome) == OutcomeOK:
			addMark(marks, actor, day, 1, 0)
		case Event(event) == EventRevoke && ref == 0 && Outcome(outcome) == OutcomeOK:
			addMark(marks, cmp.Or(subject, actor), day, 0, 1)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("counting entries %d to %d by day: %w", from+1, to, err)
	}
	return usage, marks, nil
}

// addMark adds grants and revocations to a user's day and to everyone's.
func addMark(marks map[markKey]*markCounts, user string, day, grants, revocations int64) {
	for _, u := range []string{user, ""} {
		k := markKey{u, day}
		c := marks[k]
		if c == nil {
			c = &markCounts{}
			marks[k] = c
		}
		c.grants += grants
		c.revocations += revocations
	}
}

// writeDaily adds counts to the roll-up's rows.
func writeDaily(ctx context.Context, tx *sqldb.Tx, usage map[dailyKey]*dailyCounts, marks map[markKey]*markCounts) error {
	args := make([]any, 0, 6*len(usage))
	for k, c := range usage {
		args = append(args, k.user, k.day, k.scope, c.calls, c.bytes, c.last)
	}
	if err := upsertRows(ctx, tx, "INSERT INTO audit_daily_usage (user_id, day, scope, calls, bytes, last_us)", 6, args,
		`(user_id, day, scope) DO UPDATE SET calls = audit_daily_usage.calls + excluded.calls,
		bytes = audit_daily_usage.bytes + excluded.bytes,
		last_us = CASE WHEN excluded.last_us > audit_daily_usage.last_us THEN excluded.last_us ELSE audit_daily_usage.last_us END`); err != nil {
		return err
	}
	args = args[:0]
	for k, c := range marks {
		args = append(args, k.user, k.day, c.grants, c.revocations)
	}
	return upsertRows(ctx, tx, "INSERT INTO audit_daily_marks (user_id, day, grants, revocations)", 4, args,
		`(user_id, day) DO UPDATE SET grants = audit_daily_marks.grants + excluded.grants,
		revocations = audit_daily_marks.revocations + excluded.revocations`)
}

// readDaily reads a user's figures from day from on, and their last use
// of each scope, ever, from the roll-up's rows with the counts of the
// entries not rolled up yet added.
func readDaily(ctx context.Context, q querier, userID string, from int64, usage map[dailyKey]*dailyCounts, marks map[markKey]*markCounts) (Daily, error) {
	rows, err := q.Query(ctx, "SELECT day, scope, calls, bytes, last_us FROM audit_daily_usage WHERE user_id = ?", userID)
	if err != nil {
		return Daily{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var k dailyKey
		var c dailyCounts
		if err := rows.Scan(&k.day, &k.scope, &c.calls, &c.bytes, &c.last); err != nil {
			return Daily{}, err
		}
		k.user = userID
		if n := usage[k]; n != nil {
			c.calls, c.bytes, c.last = c.calls+n.calls, c.bytes+n.bytes, max(c.last, n.last)
		}
		usage[k] = &c
	}
	if err := rows.Err(); err != nil {
		return Daily{}, err
	}
	mrows, err := q.Query(ctx, "SELECT day, grants, revocations FROM audit_daily_marks WHERE user_id = ? AND day >= ?", userID, from)
	if err != nil {
		return Daily{}, err
	}
	defer mrows.Close()
	for mrows.Next() {
		k := markKey{user: userID}
		var c markCounts
		if err := mrows.Scan(&k.day, &c.grants, &c.revocations); err != nil {
			return Daily{}, err
		}
		if n := marks[k]; n != nil {
			c.grants, c.revocations = c.grants+n.grants, c.revocations+n.revocations
		}
		marks[k] = &c
	}
	if err := mrows.Err(); err != nil {
		return Daily{}, err
	}

	d := Daily{LastUse: map[string]time.Time{}}
	for k, c := range usage {
		if k.user != userID {
			continue
		}
		if c.last > 0 && c.last > d.LastUse[k.scope].UnixMicro() {
			d.LastUse[k.scope] = sqldb.FromMicros(c.last)
		}
		if k.day >= from {
			d.Usage = append(d.Usage, DailyUsage{Day: time.UnixMicro(k.day * dayMicros).UTC(), Scope: k.scope, Calls: c.calls, Bytes: c.bytes})
		}
	}
	for k, c := range marks {
		if k.user == userID && k.day >= from {
			d.Marks = append(d.Marks, DailyMark{Day: time.UnixMicro(k.day * dayMicros).UTC(), Grants: c.grants, Revocations: c.revocations})
		}
	}
	slices.SortFunc(d.Usage, func(a, b DailyUsage) int { return cmp.Or(a.Day.Compare(b.Day), cmp.Compare(a.Scope, b.Scope)) })
	slices.SortFunc(d.Marks, func(a, b DailyMark) int { return a.Day.Compare(b.Day) })
	return d, nil
}
