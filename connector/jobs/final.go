package jobs

import (
	"context"
	"errors"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
)

// attemptKey is the context key of the running attempt.
type attemptKey struct{}

// attempt is which attempt of how many a job's work runs.
type attempt struct{ n, max int }

// withAttempt marks ctx as attempt n of max of a job.
func withAttempt(ctx context.Context, n, max int) context.Context {
	return context.WithValue(ctx, attemptKey{}, attempt{n, max})
}

// Final reports whether err, returned by the work of a job running on ctx,
// ends that job for good: it is cancelled (the user's access is refused,
// or the kind is not wired), or this was its last attempt. Work that keeps
// something for its next attempt, such as a partial download, drops it
// then. Outside a job Final is true for every error: nothing retries.
func Final(ctx context.Context, err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrNotWired) || googlehttp.Classify(err).Class.Refused() {
		return true
	}
	a, ok := ctx.Value(attemptKey{}).(attempt)
	return !ok || a.n >= a.max
}
