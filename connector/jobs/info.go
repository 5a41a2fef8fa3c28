package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
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
	if j.State == rivertype.JobStateRunning {
		in.AliveAt = in.AttemptedAt
		if hb := heartbeatOf(j.Metadata); hb.After(in.AliveAt) {
			in.AliveAt = hb
		}
		in.Stalled = time.Since(in.AliveAt) > r.rescueAfter()
	}
	if n := len(j.Errors); n > 0 {
		last := j.Errors[n-1]
		in.LastErrorCode, in.LastErrorDetail = failure(last.Error)
		in.LastErrorAt = last.At
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

// heartbeatOf reads the last heartbeat in a job's metadata, in the format
// of either database; the zero time when there is none.
func heartbeatOf(metadata []byte) time.Time {
	var m map[string]any
	_ = json.Unmarshal(metadata, &m) // River writes it; the zero time otherwise
	s, _ := m[heartbeatKey].(string)
	for _, layout := range []string{time.RFC3339Nano, sqliteTime} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}
