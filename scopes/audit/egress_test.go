package audit

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestEncodingV1Unchanged pins the hash of a version 1 entry, computed before
// the egress fields existed: the chains written then must still verify.
func TestEncodingV1Unchanged(t *testing.T) {
	t.Parallel()
	e := Entry{Seq: 3, ID: "id-3", Time: time.Date(2026, 3, 1, 9, 0, 0, 123000, time.UTC), ActorID: "u1",
		ActorEmail: "u1@example.com", ClientID: "client-1", Event: EventActivity, APIName: "drive",
		MethodName: "drive.files.get", Scope: "s", Purpose: "recordings", Resource: "fileId=f1", HTTPStatus: 200,
		Outcome: OutcomeOK, NumResponseBytes: 10, Items: 1, Latency: time.Millisecond, RequestID: "req", Replica: "r1",
		RefSeq: 2, PrevHash: "prev"}
	if v := formatVersion(&e); v != formatV1 {
		t.Fatalf("an entry without egress is written in version %d, want 1", v)
	}
	h, err := entryHash(formatV1, "chain-1", &e)
	if want := "08cdfaaf895e98ec687352a67cf448b8731da66f99c5fb22d3cbb742071ace15"; err != nil || h != want {
		t.Errorf("version 1 hash = %s, %v; want %s", h, err, want)
	}
	e.Host = "local"
	if _, err := entryHash(formatV1, "chain-1", &e); err == nil {
		t.Error("version 1 hashed an entry with a host; want an error")
	}
	h2, err := entryHash(formatV2, "chain-1", &e)
	if err != nil || h2 == h {
		t.Errorf("version 2 hash = %s, %v; want a hash other than version 1's", h2, err)
	}
}

// egressFixture appends a Google request, a transcription sent to an
// external host (begun and completed), and a refused transcription.
func egressFixture(t *testing.T, db *sqldb.DB) *Trail {
	t.Helper()
	ctx := context.Background()
	tr := newTrail(db)
	fill(t, tr, 2)
	b, err := tr.Begin(ctx, Entry{ActorID: "u1", Event: EventTranscribe, APIName: "transcribe", MethodName: "openai",
		Purpose: "recordings", Resource: "fileId=f1", Host: "api.example.com"})
	if err != nil {
		t.Fatalf("Begin: %v", err)
	}
	if _, err := tr.Complete(ctx, b, Result{Outcome: OutcomeOK, BytesSent: 123456, AudioDuration: 90*time.Second + 1500*time.Nanosecond,
		Latency: time.Second}); err != nil {
		t.Fatalf("Complete: %v", err)
	}
	if _, err := tr.Append(ctx, Entry{ActorID: "u1", Event: EventDeny, Outcome: OutcomeDenied, ErrorReason: "host_not_allowed",
		APIName: "transcribe", MethodName: "openai", Purpose: "recordings", Resource: "fileId=f2", Host: "evil.example.com"}); err != nil {
		t.Fatalf("Append: %v", err)
	}
	return tr
}

func TestEgressStoredQueriedExported(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		t.Parallel()
		tr := egressFixture(t, db)
		for seq, want := range map[int64]int{1: formatV1, 2: formatV1, 3: formatV2, 4: formatV2, 5: formatV2} {
			if r := storedAt(t, db, seq); r.version != want {
				t.Errorf("entry %d stored in version %d, want %d", seq, r.version, want)
			}
		}
		audio := 90*time.Second + time.Microsecond
		p, err := tr.Query(ctx, Filter{Event: EventTranscribe})
		if err != nil || len(p.Entries) != 1 {
			t.Fatalf("Query(transcribe) = %+v, %v; want one request", p, err)
		}
		got := p.Entries[0]
		if got.Host != "api.example.com" || got.BytesSent != 123456 || got.AudioDuration != audio || got.Outcome != OutcomeOK {
			t.Errorf("the transcription reads as %+v; want host, bytes sent and duration of its outcome", got)
		}
		raw, err := tr.Query(ctx, Filter{Raw: true, Event: EventTranscribe})
		if err != nil || len(raw.Entries) != 2 {
			t.Fatalf("raw Query = %+v, %v", raw, err)
		}
		if b := raw.Entries[0]; b.Host != "api.example.com" || b.BytesSent != 0 || b.Outcome != OutcomePending {
			t.Errorf("the begin entry reads as %+v", b)
		}
		deny, err := tr.Query(ctx, Filter{Event: EventDeny})
		if err != nil || len(deny.Entries) != 1 || deny.Entries[0].Host != "evil.example.com" || deny.Entries[0].ErrorReason != "host_not_allowed" {
			t.Errorf("the refusal reads as %+v, %v", deny, err)
		}

		var jl bytes.Buffer
		if err := tr.Export(ctx, &jl, FormatJSONL, Filter{Event: EventTranscribe}); err != nil {
			t.Fatalf("Export jsonl: %v", err)
		}
		var rec record
		if err := json.Unmarshal(jl.Bytes(), &rec); err != nil {
			t.Fatalf("reading %q: %v", jl.String(), err)
		}
		if diff := cmp.Diff(record{Host: "api.example.com", BytesSent: 123456, AudioMicros: audio.Microseconds()},
			record{Host: rec.Host, BytesSent: rec.BytesSent, AudioMicros: rec.AudioMicros}); diff != "" {
			t.Errorf("jsonl egress (-want +got):\n%s", diff)
		}
		var cb bytes.Buffer
		if err := tr.Export(ctx, &cb, FormatCSV, Filter{Event: EventTranscribe}); err != nil {
			t.Fatalf("Export csv: %v", err)
		}
		rows, err := csv.NewReader(&cb).ReadAll()
		if err != nil || len(rows) != 2 {
			t.Fatalf("csv = %q, %v", cb.String(), err)
		}
		n := slices.Index(rows[0], "host")
		if n < 0 || strings.Join(rows[0][n:n+3], ",") != "host,bytes_sent,audio_us" ||
			strings.Join(rows[1][n:n+3], ",") != "api.example.com,123456,90000001" {
			t.Errorf("csv egress columns from %d = %q / %q", n, rows[0], rows[1])
		}

		rep, err := tr.Verify(ctx, tr.PublicKey())
		if err != nil || !rep.OK() || rep.VerifiedUpTo != 5 {
			t.Errorf("Verify = %+v, %v; want the mixed chain intact", rep, err)
		}
	})
}

func TestEgressTamperEvidence(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		sql  string
		seq  int64
	}{
		{"host edited", "UPDATE audit_entries SET host = 'local' WHERE seq = 3", 3},
		{"bytes sent edited", "UPDATE audit_entries SET bytes_sent = 1 WHERE seq = 4", 4},
		{"audio duration edited", "UPDATE audit_entries SET audio_us = 0 WHERE seq = 4", 4},
		{"refused host edited", "UPDATE audit_entries SET host = 'api.example.com' WHERE seq = 5", 5},
		{"version downgraded and egress cleared", "UPDATE audit_entries SET version = 1, host = '', bytes_sent = 0, audio_us = 0 WHERE seq = 4", 4},
		{"egress added to a version 1 entry", "UPDATE audit_entries SET host = 'api.example.com', bytes_sent = 9 WHERE seq = 2", 2},
		{"egress added and version raised", "UPDATE audit_entries SET version = 2, host = 'local' WHERE seq = 1", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
				t.Parallel()
				tr := egressFixture(t, db)
				tamperSQL(t, db, tc.sql)
				rep, err := tr.Verify(ctx, tr.PublicKey())
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if rep.FirstBad == nil || rep.FirstBad.Seq != tc.seq || rep.FirstBad.Kind != KindEdited {
					t.Errorf("FirstBad = %v; want entry %d edited", rep.FirstBad, tc.seq)
				}
			})
		})
	}
}
