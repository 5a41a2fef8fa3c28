package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// MaxRecent bounds the limit of Recent.
const MaxRecent = 500

// maxErrorLen bounds the length of an error message shown.
const maxErrorLen = 500

// Recent returns the most recent jobs, newest first, at most limit of them
// (at most MaxRecent; 50 when limit is not positive).
func (r *Runner) Recent(ctx context.Context, limit int) ([]Info, error) {
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, MaxRecent)
	res, err := r.client().JobList(ctx, river.NewJobListParams().States(rivertype.JobStates()...).
		OrderBy(river.JobListOrderByID, river.SortOrderDesc).First(limit))
	if err != nil {
		return nil, fmt.Errorf("jobs: listing recent jobs: %w", err)
	}
	out := make([]Info, 0, len(res.Jobs))
	for _, j := range res.Jobs {
		out = append(out, r.info(j))
	}
	return out, nil
}

// info describes a job row.
func (r *Runner) info(j *rivertype.JobRow) Info {
	var ids struct {
		UserID      string `json:"user_id"`
		RecordingID string `json:"recording_id"`
	}
	_ = json.Unmarshal(j.EncodedArgs, &ids) // periodic jobs have no ids
	in := Info{
		ID: j.ID, Kind: j.Kind, Label: r.label(j.Kind), UserID: ids.UserID, RecordingID: ids.RecordingID, State: string(j.State),
		Attempt: j.Attempt, MaxAttempts: j.MaxAttempts, CreatedAt: j.CreatedAt, ScheduledAt: j.ScheduledAt,
		AttemptedAt: deref(j.AttemptedAt), FinishedAt: deref(j.FinalizedAt),
	}
	if n := len(j.Errors); n > 0 {
		last := j.Errors[n-1]
		in.LastError, in.LastErrorAt = redact(last.Error), last.At
	}
	return in
}

// label names a kind for people.
func (r *Runner) label(kind string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if l := r.kinds[kind]; l != "" {
		return l
	}
	return kind
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// secretPatterns match what must not be shown: the query string of a URL
// (page and sync tokens, and any credential a client put there) and the
// value of an Authorization header.
var secretPatterns = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`(https?://[^\s"'?#]*)[?#][^\s"']*`), "$1?…"},
	{regexp.MustCompile(`(?i)(bearer|basic)\s+[A-Za-z0-9._~+/=-]+`), "$1 …"},
	{regexp.MustCompile(`(?i)((?:access|refresh|id)_token|code|client_secret)(["']?\s*[:=]\s*["']?)[^\s"'&,}]+`), "$1$2…"},
}

// redact removes secrets from an error message and bounds its length.
func redact(msg string) string {
	for _, p := range secretPatterns {
		msg = p.re.ReplaceAllString(msg, p.repl)
	}
	if r := []rune(msg); len(r) > maxErrorLen {
		msg = string(r[:maxErrorLen]) + "…"
	}
	return msg
}

// redactedError is an error whose message is redacted; it unwraps to the
// original error.
type redactedError struct{ err error }

func (e *redactedError) Error() string { return redact(e.err.Error()) }
func (e *redactedError) Unwrap() error { return e.err }
