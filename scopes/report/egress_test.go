package report

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestBuilderEgress: the report built with an EgressSource sums the last
// 30 days' transcription egress by engine and host, on both databases;
// without one it has none.
func TestBuilderEgress(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		setUp(t, db, []holding{{user: "u1", scopes: []string{scopes.DriveReadonly}}}, nil)
		trail := audit.New(db, audit.Options{Replica: "r1", Now: func() time.Time { return ago(day) }})
		send := audit.Entry{ActorID: "u1", Event: audit.EventTranscribe, APIName: "transcribe", MethodName: "openai",
			Purpose: string(scopes.PurposeRecordings), Resource: "fileId=f1", Host: "api.example.com"}
		b, err := trail.Begin(ctx, send)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := trail.Complete(ctx, b, audit.Result{Outcome: audit.OutcomeOK, BytesSent: 4 << 20, AudioDuration: 10 * time.Minute}); err != nil {
			t.Fatal(err)
		}
		refused := audit.Entry{ActorID: "u1", Event: audit.EventDeny, Outcome: audit.OutcomeDenied, ErrorReason: "host_not_allowed",
			APIName: "transcribe", MethodName: "openai", Purpose: string(scopes.PurposeRecordings), Resource: "fileId=f2", Host: "elsewhere.example"}
		for _, at := range []time.Time{ago(2 * day), ago(40 * day)} {
			refused.Time = at
			if _, err := trail.Append(ctx, refused); err != nil {
				t.Fatal(err)
			}
		}
		builder := Builder{Grants: grant.NewStore(db, nil), Usage: trail, Registry: scopes.All(), Now: func() time.Time { return now }}
		plain, err := builder.Build(ctx)
		if err != nil || plain.Egress != nil {
			t.Fatalf("Build without an EgressSource = %+v, %v; want no egress", plain.Egress, err)
		}
		builder.Egress = trail
		rep, err := builder.Build(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []audit.EgressSummary{
			{Engine: "openai", Host: "api.example.com", Begun: 1, OK: 1, BytesSent: 4 << 20, Audio: 10 * time.Minute, Last: ago(day)},
			{Engine: "openai", Host: "elsewhere.example", Refused: 1, Last: ago(2 * day)},
		}
		if diff := cmp.Diff(want, rep.Egress); diff != "" {
			t.Errorf("report egress (-want +got):\n%s", diff)
		}
	})
}
