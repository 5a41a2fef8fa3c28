package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
)

// MaxRecent bounds the limit of Recent.
const MaxRecent = 500

// Recent returns the most recent jobs, newest first, at most limit of them
// (at most MaxRecent; 50 when limit is not positive).
func (r *Runner) Recent(ctx context.Context, limit int) ([]Info, error) {
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, MaxRecent)
	res, err := r.client.JobList(ctx, river.NewJobListParams().States(rivertype.JobStates()...).
		OrderBy(river.JobListOrderByID, river.SortOrderDesc).First(limit))
	if err != nil {
		return nil, fmt.Errorf("jobs: listing recent jobs: %w", err)
	}
	out := make([]Info, 0, len(res.Jobs))
	for _, j := range res.Jobs {
		out = append(out, info(j))
	}
	return out, nil
}

// info describes a job row.
func info(j *rivertype.JobRow) Info {
	var ids recordingArgs
	_ = json.Unmarshal(j.EncodedArgs, &ids) // resync jobs have no ids
	in := Info{
		ID: j.ID, Kind: j.Kind, UserID: ids.UserID, RecordingID: ids.RecordingID, State: string(j.State),
		Attempt: j.Attempt, MaxAttempts: j.MaxAttempts, CreatedAt: j.CreatedAt, ScheduledAt: j.ScheduledAt,
		AttemptedAt: deref(j.AttemptedAt), FinishedAt: deref(j.FinalizedAt),
	}
	if n := len(j.Errors); n > 0 {
		last := j.Errors[n-1]
		in.LastErrorCode, in.LastErrorDetail = failure(last.Error)
		in.LastErrorAt = last.At
	}
	return in
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// CodeNotWired is the failure code of a job whose kind has no worker in
// this process. A failure that River recorded itself (a panic, say), or an
// older version recorded as text, has googlehttp.CodeUnknown.
const CodeNotWired = "not_wired"

// failedError is a failed attempt: its message, which River stores, is the
// failure's code and redacted detail; it unwraps to the original error.
type failedError struct {
	code, detail string
	err          error
}

func (e *failedError) Error() string { return strings.TrimSpace("[" + e.code + "] " + e.detail) }
func (e *failedError) Unwrap() error { return e.err }

// storedFailure reads a message River stored: the code and detail of a
// failedError, which River may have prefixed with the name of its own error
// type ("JobCancelError: "). Any other message is googlehttp.CodeUnknown,
// without its text.
var storedFailure = regexp.MustCompile(`^(?:[A-Za-z]+Error: )?\[([A-Za-z0-9_.]+)\] ?(.*)$`)

// failure returns the code and detail of a stored message.
func failure(msg string) (code, detail string) {
	m := storedFailure.FindStringSubmatch(msg)
	if m == nil {
		return googlehttp.CodeUnknown, ""
	}
	return m[1], googlehttp.Redact(m[2])
}
