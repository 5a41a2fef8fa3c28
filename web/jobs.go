package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"

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

// jobsShown is how many jobs the Jobs page lists.
const jobsShown = 100

// jobRow is a job as the Jobs page shows it.
type jobRow struct {
	jobs.Info
	// Label names the kind; Who is the user's email, or their id when the
	// user is gone; Failure says in words why the last attempt failed;
	// Progress says how far a running transcription has come, or that a
	// running job's replica stopped answering.
	Label, Who, Failure, Progress string
}

// jobsPage is what the admin's Jobs page shows.
type jobsPage struct {
	Jobs  []jobRow
	Limit int
}

// jobsList shows the most recent background jobs with their state,
// attempts, times and last error.
func (s *Server) jobsList(c echo.Context) error {
	ctx := c.Request().Context()
	list, err := s.deps.Jobs.Recent(ctx, jobsShown)
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
	page := jobsPage{Jobs: make([]jobRow, len(list)), Limit: jobsShown}
	for i, j := range list {
		row := jobRow{Info: j, Label: j.Label, Who: emails[j.UserID], Failure: jobFailureText(j)}
		if row.Label == "" {
			row.Label = j.Kind
		}
		if row.Who == "" {
			row.Who = j.UserID
		}
		if row.Progress, err = s.jobProgress(ctx, j); err != nil {
			return err
		}
		page.Jobs[i] = row
	}
	return s.render(c, http.StatusOK, "jobs", page)
}

// jobFailureText says in words why a job's last attempt failed.
func jobFailureText(j jobs.Info) string {
	if j.LastErrorCode == jobs.CodeRescued {
		return "The replica running it stopped answering; it was put back for another to run."
	}
	return failureText(j.LastErrorCode, j.LastErrorDetail)
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
