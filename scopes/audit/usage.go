package audit

import (
	"context"
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
	windows, err := t.UsageWindows(ctx, since, since)
	if err != nil {
		return nil, err
	}
	var out []Usage
	for _, w := range windows {
		out = append(out, w.Usage)
	}
	return out, nil
}
