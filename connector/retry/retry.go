// Package retry retries a call to Google when its failure is transient: a
// rate limit (429, or 403 with a rate-limit reason), a server error (5xx), a
// broken connection or a timeout. It waits between attempts with truncated
// exponential backoff and full jitter, and never less than the Retry-After
// that Google asked for. Refusals by the audited door (googlehttp) and
// context ends are never retried.
//
// Wrap each single request or page fetch in Do, not a whole sync, so that a
// retry repeats only what failed.
package retry

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
)

// Policy bounds the attempts of Do and spaces them out.
type Policy struct {
	// MaxAttempts is how many times fn is called at most, the first call
	// included; values below 1 mean 1.
	MaxAttempts int
	// Base is the backoff ceiling before the second attempt; the ceiling
	// doubles after each attempt.
	Base time.Duration
	// Max truncates the backoff ceiling. A Retry-After longer than Max is
	// still honoured.
	Max time.Duration
	// Sleep waits d unless ctx ends first, then returns ctx's error; nil
	// means a timer. Tests inject it to run without waiting.
	Sleep func(ctx context.Context, d time.Duration) error
	// Rand returns a number in [0, 1) that scales the jitter; nil means
	// math/rand/v2.
	Rand func() float64
}

// Default is the policy for Google API requests: six attempts spread over
// about half a minute at most.
var Default = Policy{MaxAttempts: 6, Base: 250 * time.Millisecond, Max: 30 * time.Second}

// Error is the last failure of Do after its attempts; it unwraps to that
// failure, so errors.Is and errors.As see through it.
type Error struct {
	// Attempts is how many times fn was called.
	Attempts int
	// Err is the error of the last attempt.
	Err error
}

func (e *Error) Error() string {
	return fmt.Sprintf("after %d attempt(s): %v", e.Attempts, e.Err)
}

// Unwrap returns the last attempt's error.
func (e *Error) Unwrap() error { return e.Err }

// Tries returns how many times fn was called, for googlehttp.Classify.
func (e *Error) Tries() int { return e.Attempts }

// Do calls fn until it succeeds, fails with an error that is not Retryable,
// ctx ends or p.MaxAttempts calls were made. It returns nil on success and
// otherwise an *Error holding the last failure and the number of attempts.
// When ctx has ended, the last failure is returned joined with ctx's error.
func Do(ctx context.Context, p Policy, fn func(ctx context.Context) error) error {
	sleep, rnd := p.Sleep, p.Rand
	if sleep == nil {
		sleep = timerSleep
	}
	if rnd == nil {
		rnd = rand.Float64
	}
	for attempt := 1; ; attempt++ {
		err := fn(ctx)
		if err == nil {
			return nil
		}
		if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
			err = errors.Join(err, cerr)
		}
		f := googlehttp.Classify(err)
		if attempt >= p.MaxAttempts || !f.Class.Retryable() {
			return &Error{Attempts: attempt, Err: err}
		}
		// Never wait less than the Retry-After Google asked for.
		d := max(p.backoff(attempt, rnd), f.RetryAfter)
		if serr := sleep(ctx, d); serr != nil {
			return &Error{Attempts: attempt, Err: errors.Join(err, serr)}
		}
	}
}

// backoff is the full-jitter wait after the given attempt: a uniform draw
// below min(Max, Base·2^(attempt-1)).
func (p Policy) backoff(attempt int, rnd func() float64) time.Duration {
	ceiling := p.Base
	for i := 1; i < attempt && (p.Max <= 0 || ceiling < p.Max); i++ {
		ceiling *= 2
	}
	if p.Max > 0 && ceiling > p.Max {
		ceiling = p.Max
	}
	return time.Duration(rnd() * float64(ceiling))
}

// timerSleep waits d unless ctx ends first.
func timerSleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
