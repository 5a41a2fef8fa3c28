package recordings

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/transcribe"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
)

// Engine transcribes a spooled recording; every transcribe.Engine is one.
type Engine interface {
	Name() string
	Host() string
	Transcribe(ctx context.Context, path string, progress transcribe.Progress) (transcribe.Result, error)
}

// Auditor writes the audit entries of transcription; *audit.Trail is one.
type Auditor interface {
	Append(ctx context.Context, e audit.Entry) (audit.Entry, error)
	Begin(ctx context.Context, e audit.Entry) (audit.Entry, error)
	Complete(ctx context.Context, begin audit.Entry, r audit.Result) (audit.Entry, error)
}

// ReasonHostNotAllowed is the ErrorReason of a refusal to send audio to a
// host that TRANSCRIBE_ALLOWED_HOSTS does not list.
const ReasonHostNotAllowed = "host_not_allowed"

// progressKey is the context key of a transcription's progress callback.
type progressKey struct{}

// WithProgress returns a context under which a transcription engine tells
// progress how much of the recording it has done.
func WithProgress(ctx context.Context, progress func(done, total time.Duration)) context.Context {
	return context.WithValue(ctx, progressKey{}, progress)
}

// engineTranscriber is the Transcriber of a Service with an Engine: Meet's
// own transcript of the meeting wins; the engine transcribes the recordings
// without one, each transcription audited, and audio goes to no host the
// allow-list does not name.
type engineTranscriber struct {
	meet    meetEngine
	engine  Engine
	audit   Auditor
	allowed func(host string) bool
}

// Transcribe returns Meet's transcript when the meeting has one, else the
// engine's.
func (e *engineTranscriber) Transcribe(ctx context.Context, rec Recording) (Transcript, error) {
	t, err := e.meet.Transcribe(ctx, rec)
	if !errors.Is(err, ErrNoTranscript) {
		return t, err
	}
	if rec.Path == "" {
		return Transcript{}, fmt.Errorf("%w: the recording is not downloaded yet", ErrNoTranscript)
	}
	name, host := e.engine.Name(), e.engine.Host()
	entry := audit.Entry{ActorID: rec.UserID, Event: audit.EventTranscribe, APIName: "transcribe", MethodName: name,
		Purpose: string(scopes.PurposeRecordings), Resource: "fileId=" + rec.FileID, Host: host}
	if e.allowed == nil || !e.allowed(host) {
		deny := entry
		deny.Event, deny.Outcome, deny.ErrorReason = audit.EventDeny, audit.OutcomeDenied, ReasonHostNotAllowed
		if _, err := e.audit.Append(ctx, deny); err != nil {
			return Transcript{}, fmt.Errorf("auditing the refusal to send audio to %s: %w", host, err)
		}
		return Transcript{}, cannot(&hostNotAllowedError{host: host, engine: name})
	}
	begin, err := e.audit.Begin(ctx, entry)
	if err != nil {
		return Transcript{}, fmt.Errorf("auditing the transcription before it starts: %w", err)
	}
	progress, _ := ctx.Value(progressKey{}).(func(done, total time.Duration))
	start := time.Now()
	res, err := e.engine.Transcribe(ctx, rec.Path, progress)
	out := audit.Result{Outcome: audit.OutcomeOK, Latency: time.Since(start), BytesSent: res.BytesSent, AudioDuration: res.Duration}
	if err != nil {
		out.Outcome, out.ErrorReason = audit.OutcomeError, errorReason(err)
		var api *transcribe.APIError
		if errors.As(err, &api) {
			out.HTTPStatus = api.Status
		}
	}
	if _, aerr := e.audit.Complete(context.WithoutCancel(ctx), begin, out); aerr != nil {
		return Transcript{}, errors.Join(err, fmt.Errorf("auditing the transcription's outcome: %w", aerr))
	}
	if err != nil {
		if errors.Is(err, transcribe.ErrBadInput) || errors.Is(err, transcribe.ErrEngine) {
			return Transcript{}, cannot(&engineFailure{engine: name, err: err})
		}
		return Transcript{}, fmt.Errorf("%s: %w", name, err)
	}
	return transcriptOf(name, res), nil
}

// errorReason names how a transcription failed, for its audit entry.
func errorReason(err error) string {
	switch {
	case errors.Is(err, transcribe.ErrTimeout):
		return "timeout"
	case errors.Is(err, transcribe.ErrBadInput):
		return "bad_input"
	case errors.Is(err, transcribe.ErrEngine):
		return "engine_refused"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	}
	return "engine_error"
}

// transcriptOf turns an engine's result into a Transcript.
func transcriptOf(engine string, res transcribe.Result) Transcript {
	t := Transcript{Engine: engine, Text: res.Text(), Segments: make([]Segment, 0, len(res.Segments))}
	for _, s := range res.Segments {
		t.Segments = append(t.Segments, Segment{Start: s.Start, End: s.End, Text: s.Text})
	}
	return t
}

// cannotError marks a failure that trying again will not mend: the
// recording ends failed with the error as its reason.
type cannotError struct{ err error }

func (e *cannotError) Error() string        { return e.err.Error() }
func (e *cannotError) Unwrap() error        { return e.err }
func (e *cannotError) Is(target error) bool { return target == ErrCannotTranscribe }

func cannot(err error) error { return &cannotError{err} }

// hostNotAllowedError is the refusal to send audio to a host that
// TRANSCRIBE_ALLOWED_HOSTS does not list.
type hostNotAllowedError struct{ host, engine string }

func (e *hostNotAllowedError) Error() string {
	return fmt.Sprintf("sending audio to %s is not allowed: add the host to TRANSCRIBE_ALLOWED_HOSTS to allow it", e.host)
}

// engineFailure is an engine's failure on a recording: its input cannot be
// transcribed, or the engine refused it or gave up.
type engineFailure struct {
	engine string
	err    error
}

func (e *engineFailure) Error() string { return e.engine + ": " + e.err.Error() }
func (e *engineFailure) Unwrap() error { return e.err }

// detail names the engine and, for a server's refusal, what it said,
// redacted.
func (e *engineFailure) detail() string {
	var api *transcribe.APIError
	if errors.As(e.err, &api) {
		return fmt.Sprintf("(%s answered %d: %s)", e.engine, api.Status, googlehttp.Redact(api.Message))
	}
	return "(" + e.engine + ")"
}
