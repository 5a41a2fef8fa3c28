package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/report"
)

// TestReportEgress: the least-privilege report shows, from a real audit
// trail, the transcription egress per engine and host: transcriptions,
// outcomes, refusals, bytes and audio sent; the audit log links to it.
func TestReportEgress(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	trail, db := newTestTrail(t)
	send := audit.Entry{ActorID: bob.ID, Event: audit.EventTranscribe, APIName: "transcribe", MethodName: "pocketsphinx",
		Purpose: string(scopes.PurposeRecordings), Resource: "fileId=rec1", Host: "local"}
	for _, r := range []audit.Result{
		{Outcome: audit.OutcomeOK, BytesSent: 3 << 20, AudioDuration: 95 * time.Minute},
		{Outcome: audit.OutcomeError, ErrorReason: "no_audio"},
	} {
		b, err := trail.Begin(ctx, send)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := trail.Complete(ctx, b, r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := trail.Append(ctx, audit.Entry{ActorID: bob.ID, Event: audit.EventDeny, Outcome: audit.OutcomeDenied,
		ErrorReason: "host_not_allowed", APIName: "transcribe", MethodName: "openai", Purpose: string(scopes.PurposeRecordings),
		Resource: "fileId=rec2", Host: "api.example.com"}); err != nil {
		t.Fatal(err)
	}
	builder := report.Builder{Grants: grant.NewStore(db, nil), Usage: trail, Egress: trail, Registry: scopes.All(),
		Now: func() time.Time { return logStart.Add(24 * time.Hour) }}
	h := newReviewHarness(t, trail, builder)
	h.signIn(rita)
	r := h.get("/report")
	h.expectStatus(r, http.StatusOK)
	rows := r.FindAll("#egress table.egress tbody tr")
	want := []string{
		"openai api.example.com 0 0 0 0 1 0 B 0:00:00 2026-03-01 09:06",
		"pocketsphinx local 2 1 1 0 0 3.0 MiB 1:35:00 2026-03-01 09:05",
	}
	if len(rows) != len(want) {
		t.Fatalf("%d egress rows, want %d", len(rows), len(want))
	}
	for i, row := range rows {
		if got := strings.Join(strings.Fields(browser.Text(row)), " "); got != want[i] {
			t.Errorf("egress row %d:\n got %q\nwant %q", i, got, want[i])
		}
	}
	if r := h.get("/audit"); r.Find(`a#egress-link[href="/report#egress"]`) == nil {
		t.Error("the audit log does not link to the transcription egress")
	}

	builder.Egress = nil
	plain := newReviewHarness(t, trail, builder)
	plain.signIn(rita)
	if r := plain.get("/report"); r.Find("#egress") != nil {
		t.Error("the report shows egress without an EgressSource")
	}
	builder.Egress, builder.Now = trail, func() time.Time { return logStart.Add(60 * 24 * time.Hour) }
	later := newReviewHarness(t, trail, builder)
	later.signIn(rita)
	checkPage(t, later.get("/report"), map[string]string{"#no-egress": "No audio was sent"}, []string{"table.egress"})
}
