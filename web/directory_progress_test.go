package web

import (
	"testing"
	"time"
)

// TestSyncWords: counts and durations read as people write them.
func TestSyncWords(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -4200: "-4,200"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
	for d, want := range map[time.Duration]string{300 * time.Millisecond: "in under a second", 3400 * time.Millisecond: "in 3 s",
		59 * time.Second: "in 59 s", 125 * time.Second: "in 2 min 5 s"} {
		if got := took(d); got != want {
			t.Errorf("took(%v) = %q, want %q", d, got, want)
		}
	}
}
