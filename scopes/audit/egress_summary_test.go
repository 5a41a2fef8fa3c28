package audit

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestEgressSummary sums transcription egress by engine and host on both
// databases: begun, succeeded, failed and unknown transcriptions, the bytes
// and audio recorded with their outcomes, the refusals, and nothing of
// Google requests or of entries before the window.
func TestEgressSummary(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		t.Parallel()
		ctx := context.Background()
		tr := egressFixture(t, db)
		local := Entry{ActorID: "u2", Event: EventTranscribe, APIName: "transcribe", MethodName: "pocketsphinx",
			Purpose: "recordings", Host: "local"}
		for i, r := range []*Result{
			{Outcome: OutcomeOK, BytesSent: 1000, AudioDuration: time.Minute},
			{Outcome: OutcomeError, ErrorReason: "no_audio", BytesSent: 10, AudioDuration: time.Second},
			nil, // begun, never completed
		} {
			local.Resource = "fileId=l" + string(rune('0'+i))
			b, err := tr.Begin(ctx, local)
			if err != nil {
				t.Fatal(err)
			}
			if r != nil {
				if _, err := tr.Complete(ctx, b, *r); err != nil {
					t.Fatal(err)
				}
			}
		}
		got, err := tr.Egress(ctx, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		last := func(host string) time.Time {
			for _, e := range got {
				if e.Host == host {
					return e.Last
				}
			}
			return time.Time{}
		}
		want := []EgressSummary{
			{Engine: "openai", Host: "api.example.com", Begun: 1, OK: 1, BytesSent: 123456, Audio: 90*time.Second + time.Microsecond, Last: last("api.example.com")},
			{Engine: "openai", Host: "evil.example.com", Refused: 1, Last: last("evil.example.com")},
			{Engine: "pocketsphinx", Host: "local", Begun: 3, OK: 1, Failed: 1, BytesSent: 1010, Audio: time.Minute + time.Second, Last: last("local")},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Egress (-want +got):\n%s", diff)
		}
		if len(got) != 3 || got[2].Unknown() != 1 || !got[2].Last.After(got[1].Last) {
			t.Errorf("pocketsphinx: %d unknown, last %v; want 1, a time", got[2].Unknown(), got[2].Last)
		}
		later, err := tr.Egress(ctx, got[2].Last.Add(time.Microsecond))
		if err != nil || len(later) != 0 {
			t.Errorf("Egress after the last entry = %+v, %v; want nothing", later, err)
		}
	})
}
