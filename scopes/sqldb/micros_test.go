package sqldb_test

import (
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// TestMicrosRoundTrip checks that a time survives being stored, to the
// microsecond and in UTC, and that the zero time is stored as 0.
func TestMicrosRoundTrip(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 3, 10, 30, 0, 123456789, time.FixedZone("CET", 3600))
	got := sqldb.FromMicros(sqldb.Micros(at))
	if want := at.Truncate(time.Microsecond).UTC(); got != want {
		t.Errorf("round trip of %v = %v, want %v", at, got, want)
	}
	if n := sqldb.Micros(time.Time{}); n != 0 {
		t.Errorf("Micros(zero) = %d, want 0", n)
	}
	if z := sqldb.FromMicros(0); !z.IsZero() {
		t.Errorf("FromMicros(0) = %v, want the zero time", z)
	}
}
