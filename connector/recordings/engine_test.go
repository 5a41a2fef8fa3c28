package recordings_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/googletest/fakeapi"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/connector/recordings"
	"github.com/scopetrail/scopetrail/connector/transcribe"
	"github.com/scopetrail/scopetrail/connector/transcribe/transcribetest"
	"github.com/scopetrail/scopetrail/scopes/audit"
)

// speakingHarness is a harness whose Meet recordings all hold the given
// file, a Service with engine e that may send audio to the allowed hosts,
// and the member's first recording that has a Meet transcript.
// tooLarge makes that transcript too large for Drive to export, so that the
// recording waits for an engine.
func speakingHarness(t *testing.T, content string, tooLarge bool, e recordings.Engine, allowed ...string) (*harness, *recordings.Service, recordings.Recording) {
	t.Helper()
	h := newHarness(t, options{})
	speakAll(t, h, content)
	cfg := transcribe.Config{AllowedHosts: allowed}
	s := h.service(func(o *recordings.Options) { o.Engine, o.Audit, o.AllowedHost = e, h.Trail, cfg.Allowed })
	rec, doc := firstRecording(t, h, s)
	if tooLarge {
		f, _ := h.Workspace.File(doc.FileID)
		big := *f
		big.ExportText = workspace.TranscriptBody(f.ID, fakeapi.ExportSizeLimit+1, nil)
		h.Workspace.PutFile(&big)
	}
	return h, s, rec
}

// speakAll makes every Meet recording of the harness's workspace hold the
// given file.
func speakAll(t *testing.T, h *harness, content string) {
	t.Helper()
	b, err := os.ReadFile(content)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range h.meetFiles() {
		if f.MimeType == "video/mp4" {
			nf := *f
			nf.Body, nf.Size, nf.MD5 = workspace.BytesBody(b), int64(len(b)), ""
			h.Workspace.PutFile(&nf)
		}
	}
}

// transcribeEntries returns the member's audit entries about audio egress,
// as stored: transcribe entries and refusals to transcribe.
func transcribeEntries(t *testing.T, h *harness) []audit.Entry {
	t.Helper()
	var out []audit.Entry
	for e, err := range h.Trail.Entries(context.Background(), audit.Filter{UserID: h.userID, Raw: true}) {
		if err != nil {
			t.Fatal(err)
		}
		if e.APIName == "transcribe" {
			out = append(out, e)
		}
	}
	return out
}

// TestEngineTranscribesWhenMeetHasNoTranscript: a LibriVox recording whose
// meeting's Meet transcript is too large to export is downloaded, decoded
// and transcribed by PocketSphinx, and the transcription is audited with a
// begin and an outcome entry.
func TestEngineTranscribesWhenMeetHasNoTranscript(t *testing.T) {
	t.Parallel()
	clip := transcribetest.LibriVox(t)[0]
	h, s, rec := speakingHarness(t, clip.MP4, true, &transcribe.PocketSphinx{})
	ctx := context.Background()
	if err := s.Process(ctx, h.userID, rec.FileID); err != nil {
		t.Fatalf("Process: %v", err)
	}
	got, _ := s.Recording(ctx, h.userID, rec.FileID)
	text, _ := s.Transcript(ctx, h.userID, rec.FileID)
	if got.State != recordings.StateTranscribed || got.TranscriptFrom != "" {
		t.Fatalf("recording is %s (%q) from %q; want transcribed by the engine", got.State, got.Reason, got.TranscriptFrom)
	}
	if wer := transcribetest.WER(clip.Reference, text); wer > 0.6 {
		t.Errorf("transcript %q has WER %.2f; want at most 0.6", text, wer)
	}
	timed, err := s.TimedTranscript(ctx, h.userID, rec.FileID)
	if err != nil || timed.Engine != "pocketsphinx" || len(timed.Segments) == 0 {
		t.Fatalf("TimedTranscript = %+v, %v; want pocketsphinx's segments", timed, err)
	}
	for i, sg := range timed.Segments {
		if sg.Text == "" || sg.End < sg.Start || sg.End > 7200*time.Millisecond || i > 0 && sg.Start < timed.Segments[i-1].End {
			t.Errorf("segment %d %+v out of order or outside the 7.1 s clip", i, sg)
		}
	}
	ents := transcribeEntries(t, h)
	if len(ents) != 2 {
		t.Fatalf("transcribe entries %+v; want a begin and an outcome", ents)
	}
	b, c := ents[0], ents[1]
	if b.Event != audit.EventTranscribe || b.Outcome != audit.OutcomePending || b.MethodName != "pocketsphinx" || b.Host != "local" ||
		b.Purpose != "recordings" || b.Resource != "fileId="+rec.FileID {
		t.Errorf("begin entry %+v", b)
	}
	if c.RefSeq != b.Seq || c.Outcome != audit.OutcomeOK || c.Host != "local" || c.BytesSent < 7*32000 ||
		c.AudioDuration < 7*time.Second || c.AudioDuration > 7200*time.Millisecond {
		t.Errorf("outcome entry %+v; want ok, the PCM bytes fed and the clip's 7.1 s", c)
	}
}

// served is a recording processed with an OpenAI-compatible engine whose
// server transcribes with PocketSphinx.
type served struct {
	h   *harness
	s   *recordings.Service
	rec recordings.Recording
	srv *transcribetest.Server
	e   *transcribe.OpenAI
}

// processServed processes a recording holding clip, with the server's host
// in the allow-list when allow is true (else only api.openai.com is).
func processServed(t *testing.T, clip transcribetest.Clip, tooLarge, allow bool) served {
	t.Helper()
	var v served
	v.srv = transcribetest.NewServer(t, &transcribe.PocketSphinx{}, "k", transcribe.DefaultMaxUpload)
	v.e = &transcribe.OpenAI{URL: v.srv.URL, Key: "k"}
	host := "api.openai.com"
	if allow {
		host = v.e.Host()
	}
	v.h, v.s, v.rec = speakingHarness(t, clip.MP4, tooLarge, v.e, host)
	if err := v.s.Process(context.Background(), v.h.userID, v.rec.FileID); err != nil {
		t.Fatalf("Process: %v", err)
	}
	return v
}

// TestMeetTranscriptWins: with an engine configured, a recording whose
// meeting has Meet's transcript takes it, and no audio goes anywhere.
func TestMeetTranscriptWins(t *testing.T) {
	t.Parallel()
	clip := transcribetest.LibriVox(t)[1]
	v := processServed(t, clip, false, true)
	h, s, rec, srv := v.h, v.s, v.rec, v.srv
	ctx := context.Background()
	got, _ := s.Recording(ctx, h.userID, rec.FileID)
	if got.State != recordings.StateTranscribed || got.TranscriptFrom == "" {
		t.Errorf("recording is %s from %q; want transcribed from Meet's transcript", got.State, got.TranscriptFrom)
	}
	if n := srv.Requests(); n != 0 || len(transcribeEntries(t, h)) != 0 {
		t.Errorf("%d requests to the engine, entries %+v; want none", n, transcribeEntries(t, h))
	}
}

// TestEgressToHostNotAllowedIsRefused: audio for a host that the allow-list
// does not name is never sent; the refusal is audited and the recording
// fails saying how to allow the host.
func TestEgressToHostNotAllowedIsRefused(t *testing.T) {
	t.Parallel()
	clip := transcribetest.LibriVox(t)[1]
	v := processServed(t, clip, true, false)
	h, s, rec, srv, e := v.h, v.s, v.rec, v.srv, v.e
	ctx := context.Background()
	got, _ := s.Recording(ctx, h.userID, rec.FileID)
	if got.State != recordings.StateFailed || got.Reason != recordings.CodeHostNotAllowed || !strings.Contains(got.ReasonDetail, e.Host()) {
		t.Errorf("recording is %s (%q, %q); want failed with %s, naming the host", got.State, got.Reason, got.ReasonDetail,
			recordings.CodeHostNotAllowed)
	}
	if n := srv.Requests(); n != 0 {
		t.Errorf("the engine got %d requests; want none", n)
	}
	ents := transcribeEntries(t, h)
	if len(ents) != 1 || ents[0].Event != audit.EventDeny || ents[0].Outcome != audit.OutcomeDenied ||
		ents[0].ErrorReason != recordings.ReasonHostNotAllowed || ents[0].Host != e.Host() || ents[0].MethodName != "openai" ||
		ents[0].Purpose != "recordings" || ents[0].BytesSent != 0 {
		t.Errorf("entries %+v; want one refusal naming the host", ents)
	}
}

// TestEgressToAllowedHost: an allowed OpenAI-compatible server transcribes
// the real audio, and the trail records its host and every byte sent.
func TestEgressToAllowedHost(t *testing.T) {
	t.Parallel()
	clip := transcribetest.LibriVox(t)[3]
	v := processServed(t, clip, true, true)
	h, s, rec, srv, e := v.h, v.s, v.rec, v.srv, v.e
	ctx := context.Background()
	got, _ := s.Recording(ctx, h.userID, rec.FileID)
	text, _ := s.Transcript(ctx, h.userID, rec.FileID)
	if got.State != recordings.StateTranscribed || transcribetest.WER(clip.Reference, text) > 0.6 {
		t.Fatalf("recording is %s (%q) with %q; want transcribed", got.State, got.Reason, text)
	}
	ups := srv.Uploads()
	ents := transcribeEntries(t, h)
	if len(ups) != 1 || len(ents) != 2 || ents[0].Host != e.Host() || ents[1].Host != e.Host() || ents[1].BytesSent != ups[0].Size ||
		ents[1].MethodName != "openai" || ents[1].Outcome != audit.OutcomeOK {
		t.Errorf("uploads %+v, entries %+v; want the host and the bytes sent on the trail", ups, ents)
	}
}

// TestBadRecordingsFail: a recording that cannot be transcribed ends failed
// with a reason a person understands, its outcome audited, and is not tried
// again.
func TestBadRecordingsFail(t *testing.T) {
	t.Parallel()
	clips := transcribetest.LibriVox(t)
	long, _ := transcribetest.Concat(t, clips, 1)
	for _, tc := range []struct {
		name, content string
		engine        transcribe.Engine
		reason, code  string
	}{
		{"video without sound", transcribetest.NoAudio(t), &transcribe.PocketSphinx{}, recordings.CodeNoAudio, "bad_input"},
		{"truncated MP4", transcribetest.Truncated(t, clips[0]), &transcribe.PocketSphinx{}, recordings.CodeCorrupt, "bad_input"},
		{"not media", transcribetest.NotMedia(t), &transcribe.PocketSphinx{}, recordings.CodeNotMedia, "bad_input"},
		{"engine times out", long, &transcribe.PocketSphinx{Timeout: 300 * time.Millisecond}, recordings.CodeTimeout, "timeout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var h *harness
			h, s, rec := speakingHarness(t, tc.content, true, tc.engine)
			ctx := context.Background()
			if err := s.Process(ctx, h.userID, rec.FileID); err != nil {
				t.Fatalf("Process = %v; want the failure recorded, not returned for a retry", err)
			}
			got, _ := s.Recording(ctx, h.userID, rec.FileID)
			if got.State != recordings.StateFailed || got.Reason != tc.reason || got.ReasonDetail != "(pocketsphinx)" {
				t.Errorf("recording is %s (%q, %q); want failed with %s, naming the engine and no path", got.State, got.Reason,
					got.ReasonDetail, tc.reason)
			}
			ents := transcribeEntries(t, h)
			if len(ents) != 2 || ents[1].Outcome != audit.OutcomeError || ents[1].ErrorReason != tc.code {
				t.Errorf("entries %+v; want a begin and an error outcome %q", ents, tc.code)
			}
			pending, err := s.Pending(ctx, h.userID)
			for _, p := range pending {
				if p.FileID == rec.FileID {
					t.Errorf("the failed recording is still pending: %+v", p)
				}
			}
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}
