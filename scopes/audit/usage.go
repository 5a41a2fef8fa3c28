package audit

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"
)

// Usage counts the API calls one user made with one scope and method, for
// the least-privilege report.
type Usage struct {
	Scope, Method, UserID string
	Calls                 int64
	// Last is the time of the latest call.
	Last time.Time
}

// Usage returns, for every scope, method and user, the API calls (activity
// entries, whatever their outcome) made since a time, sorted by scope, method
// and user.
func (t *Trail) Usage(ctx context.Context, since time.Time) ([]Usage, error) {
	rows, err := t.db.Query(ctx, `SELECT scope, method_name, actor_id, COUNT(*), MAX(time_us) FROM audit_entries
		WHERE time_us >= ? AND event = ? AND ref_seq = 0 AND scope <> ''
		GROUP BY scope, method_name, actor_id`, since.UnixMicro(), string(EventActivity))
	if err != nil {
		return nil, fmt.Errorf("counting scope usage: %w", err)
	}
	defer rows.Close()
	var out []Usage
	for rows.Next() {
		var u Usage
		var last int64
		if err := rows.Scan(&u.Scope, &u.Method, &u.UserID, &u.Calls, &last); err != nil {
			return nil, fmt.Errorf("counting scope usage: %w", err)
		}
		u.Last = time.UnixMicro(last).UTC()
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("counting scope usage: %w", err)
	}
	slices.SortFunc(out, func(a, b Usage) int {
		return cmp.Or(cmp.Compare(a.Scope, b.Scope), cmp.Compare(a.Method, b.Method), cmp.Compare(a.UserID, b.UserID))
	})
	return out, nil
}
