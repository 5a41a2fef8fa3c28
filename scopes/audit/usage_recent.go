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

// WindowUsage counts the API calls one user made with one scope and method
// since a time, and how many of them came since a later time.
type WindowUsage struct {
	Usage
	// Recent counts the calls at or after the later time.
	Recent int64
}

// UsageWindows returns, for every scope, method and user, the API calls
// (activity entries, whatever their outcome) made since a time and, of
// those, the ones made since recent, a later time, in one pass over the
// entries. It is sorted by scope, method and user.
func (t *Trail) UsageWindows(ctx context.Context, since, recent time.Time) ([]WindowUsage, error) {
	rows, err := t.db.Query(ctx, `SELECT scope, method_name, actor_id, COUNT(*),
		SUM(CASE WHEN time_us >= ? THEN 1 ELSE 0 END), MAX(time_us) FROM audit_entries
		WHERE time_us >= ? AND event = ? AND ref_seq = 0 AND scope <> ''
		GROUP BY scope, method_name, actor_id`, recent.UnixMicro(), since.UnixMicro(), string(EventActivity))
	if err != nil {
		return nil, fmt.Errorf("counting scope usage: %w", err)
	}
	defer rows.Close()
	var out []WindowUsage
	for rows.Next() {
		var u WindowUsage
		var last int64
		if err := rows.Scan(&u.Scope, &u.Method, &u.UserID, &u.Calls, &u.Recent, &last); err != nil {
			return nil, fmt.Errorf("counting scope usage: %w", err)
		}
		u.Last = sqldb.FromMicros(last)
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("counting scope usage: %w", err)
	}
	slices.SortFunc(out, func(a, b WindowUsage) int {
		return cmp.Or(cmp.Compare(a.Scope, b.Scope), cmp.Compare(a.Method, b.Method), cmp.Compare(a.UserID, b.UserID))
	})
	return out, nil
}

// LastUse returns the time of a user's latest API call with a scope, ever,
// or the zero time when there was none. It reads the user's entries only,
// newest first, and stops at the first call with the scope.
func (t *Trail) LastUse(ctx context.Context, userID, scope string) (time.Time, error) {
	var last int64
	err := t.db.QueryRow(ctx, `SELECT time_us FROM audit_entries
		WHERE actor_id = ? AND scope = ? AND event = ? AND ref_seq = 0
		ORDER BY time_us DESC LIMIT 1`, userID, scope, string(EventActivity)).Scan(&last)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("finding the last use of %s by %s: %w", scope, userID, err)
	}
	return sqldb.FromMicros(last), nil
}
