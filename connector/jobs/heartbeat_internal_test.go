package jobs

import (
	"testing"
	"time"
)

// TestHeartbeatOf reads the heartbeat each database writes into a job's
// metadata: SQLite's datetime text and PostgreSQL's to_jsonb(now()).
func TestHeartbeatOf(t *testing.T) {
	t.Parallel()
	want := time.Date(2026, 12, 4, 18, 22, 46, 284000000, time.UTC)
	for _, tc := range []struct {
		name, metadata string
		want           time.Time
	}{
		{"sqlite", `{"river:unique_nonce":"47a2","heartbeat_at":"2026-12-04 18:22:46.284"}`, want},
		{"postgres", `{"heartbeat_at": "2026-12-04T19:22:46.284+01:00"}`, want},
		{"none", `{"river:unique_nonce":"47a2"}`, time.Time{}},
		{"not a time", `{"heartbeat_at": 7}`, time.Time{}},
		{"not JSON", `{`, time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := heartbeatOf([]byte(tc.metadata)); !got.Equal(tc.want) {
				t.Errorf("heartbeatOf(%s) = %v, want %v", tc.metadata, got, tc.want)
			}
		})
	}
}
