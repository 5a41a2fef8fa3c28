package jobs

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
)

// TestFinal checks which errors end a job for good: a refusal or a kind
// not wired at any attempt, any error at the last attempt or outside a
// job, and nothing else.
func TestFinal(t *testing.T) {
	t.Parallel()
	transient := errors.New("connection reset")
	refused := fmt.Errorf("downloading: %w", googlehttp.ErrNoToken)
	first, last := withAttempt(context.Background(), 1, 5), withAttempt(context.Background(), 5, 5)
	for _, tc := range []struct {
		name string
		ctx  context.Context
		err  error
		want bool
	}{
		{"no error", last, nil, false},
		{"a transient error with attempts left", first, transient, false},
		{"a transient error at the last attempt", last, transient, true},
		{"a refusal with attempts left", first, refused, true},
		{"a kind not wired", first, ErrNotWired, true},
		{"outside a job", context.Background(), transient, true},
	} {
		if got := Final(tc.ctx, tc.err); got != tc.want {
			t.Errorf("%s: Final = %v, want %v", tc.name, got, tc.want)
		}
	}
}
