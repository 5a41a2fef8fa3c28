package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/connector/jobs"
	"github.com/scopetrail/scopetrail/connector/recordings"
)

// Jobs lists the background jobs. *jobs.Runner satisfies it.
type Jobs interface {
	// Recent returns the most recent jobs, newest first, at most limit of
	// them. Their failures are codes and redacted details.
	Recent(ctx context.Context, limit int) ([]jobs.Info, error)
}

// jobsShown is how many jobs the Jobs page lists; jobsSearched how many of
// the most recent its filters look through.
const (
	jobsShown    = 100
	jobsSearched = jobs.MaxRecent
)

// jobRow is a job as the Jobs page shows it.
type jobRow struct {
	jobs.Info
	// Label names the kind; Who is the user's email, or their id when the
	// user is gone; Progress says how far a running transcription has
	// come, or that a running job's replica stopped answering.
	Label, Who, Progress string
	// Times say when it was queued and how long it waited and ran.
	Times []string
	// Reason says in words why the last attempt failed and what happens
	// next, "" when none failed; Code and Detail are the failure as
	// stored, for the curious admin.
	Reason, Code, Detail string
	// Retry is true when the job gave up or was cancelled and the page
	// can queue it again.
	Retry bool
}

// jobsPage is what the admin's Jobs page shows.
type jobsPage struct {
	Jobs []jobRow
	// Limit is how many jobs are listed at most, Searched how many recent
	// ones a filter looks through.
	Limit, Searched int
	Filter          jobFilter
	Kinds, States   []jobOption
}

// jobsList shows the most recent background jobs, those of one kind or in
// one state when the URL's filters ask, with their state, attempts, times
// and why they failed.
func (s *Server) jobsList(c echo.Context) error {
	ctx := c.Request().Context()
	filter := parseJobFilter(c.QueryParams())
	limit := jobsShown
	if filter.active() {
		limit = jobsSearched
	}
	list, err := s.deps.Jobs.Recent(ctx, limit)
	if err != nil {
		return fmt.Errorf("listing jobs: %w", err)
	}
	users, err := s.deps.Users.Users(ctx)
	if err != nil {
		return fmt.Errorf("listing users: %w", err)
	}
	emails := make(map[string]string, len(users))
	for _, u := range users {
		emails[u.ID] = u.Email
	}
	page := jobsPage{Limit: jobsShown, Searched: jobsSearched, Filter: filter,
		Kinds: filter.kindOptions(list), States: filter.stateOptions()}
	now := s.cfg.Now()
	for _, j := range list {
		if !filter.matches(j) || len(page.Jobs) == jobsShown {
			continue
		}
		row := jobRow{Info: j, Label: j.Label, Who: emails[j.UserID], Times: jobTimes(j, now), Retry: s.canRetry(j)}
		row.Reason, row.Code, row.Detail = jobFailure(j, now)
		if row.Label == "" {
			row.Label = j.Kind
		}
		if row.Who == "" {
			row.Who = j.UserID
		}
		if row.Progress, err = s.jobProgress(ctx, j); err != nil {
			return err
		}
		page.Jobs = append(page.Jobs, row)
	}
	return s.render(c, http.StatusOK, "jobs", page)
}

// jobFailure says in words why a job's last attempt failed and what
// happens next, and returns the failure's code and detail as stored; all
// "" when no attempt failed.
func jobFailure(j jobs.Info, now time.Time) (reason, code, detail string) {
	if j.LastErrorCode == "" {
		return "", "", ""
	}
	reason = failureText(j.LastErrorCode, "")
	if j.LastErrorCode == jobs.CodeRescued {
		reason = "The replica running it stopped answering; it was put back for another to run."
	}
	switch j.State {
	case "retryable":
		reason += fmt.Sprintf(" It is tried again: %s.", dueIn(fmt.Sprintf("attempt %d of %d", j.Attempt+1, j.MaxAttempts), j.ScheduledAt, now))
	case "discarded":
		reason += fmt.Sprintf(" ScopeTrail gave up after %d attempts.", j.Attempt)
	case "cancelled":
		reason += " It is not tried again."
	}
	return reason, j.LastErrorCode, j.LastErrorDetail
}

// jobProgress says how far a running transcription job has come, or that
// a running job stalled because its replica stopped answering; "" for any
// other job or when the recordings are not wired.
func (s *Server) jobProgress(ctx context.Context, j jobs.Info) (string, error) {
	if j.Stalled {
		return "stalled: its replica stopped answering at " + j.AliveAt.UTC().Format("15:04:05 UTC") +
			"; it is put back within a minute", nil
	}
	if j.Kind != recordings.JobTranscribe || j.State != "running" || s.deps.Recordings == nil {
		return "", nil
	}
	r, err := s.deps.Recordings.Recording(ctx, j.UserID, j.RecordingID)
	if errors.Is(err, recordings.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("reading the progress of job %d: %w", j.ID, err)
	}
	return transcribingText(r), nil
}

// transcribingText says how far a recording's running transcription has
// come, such as "1:05 of 4:00 of audio (27%)"; "" when none runs.
func transcribingText(r recordings.Recording) string {
	if r.State != recordings.StateQueued || r.Audio <= 0 {
		return ""
	}
	return fmt.Sprintf("%s of %s of audio (%d%%)", offsetClock(r.Progress), offsetClock(r.Audio), r.Progress*100/r.Audio)
}
