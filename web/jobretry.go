package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/connector/calendars"
	"github.com/scopetrail/scopetrail/connector/directory"
	"github.com/scopetrail/scopetrail/connector/jobs"
	"github.com/scopetrail/scopetrail/connector/recordings"
)

// canRetry reports whether the Jobs page offers to retry j: it gave up or
// was cancelled, and it is a sync (with Deps.LinkSyncs) or a step of a
// recording (with Deps.Recordings), which the page can queue again.
func (s *Server) canRetry(j jobs.Info) bool {
	if j.State != "discarded" && j.State != "cancelled" || j.UserID == "" {
		return false
	}
	switch j.Kind {
	case calendars.KindSync, directory.KindSync, recordings.JobSync:
		return s.deps.LinkSyncs != nil
	case recordings.JobDownload, recordings.JobTranscript, recordings.JobTranscribe:
		return s.deps.Recordings != nil && j.RecordingID != ""
	}
	return false
}

// jobRetry queues again the job that failed, as its own page would: a sync
// of the same user, or the next step of the same recording. It says what it
// did in a flash on the Jobs page, filtered as the form's kind and state
// say.
func (s *Server) jobRetry(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return echo.ErrNotFound
	}
	list, err := s.deps.Jobs.Recent(ctx, jobsSearched)
	if err != nil {
		return fmt.Errorf("listing jobs: %w", err)
	}
	back := "/admin/jobs"
	if f := parseJobFilter(url.Values{"kind": {c.FormValue("kind")}, "state": {c.FormValue("state")}}); f.active() {
		back += "?" + f.query()
	}
	var job *jobs.Info
	for i := range list {
		if list[i].ID == id {
			job = &list[i]
		}
	}
	switch {
	case job == nil:
		setFlash(c, "warn", fmt.Sprintf("Job #%d is no longer among the %d most recent jobs; nothing was retried.", id, jobsSearched))
	case !s.canRetry(*job):
		setFlash(c, "warn", fmt.Sprintf("Job #%d (%s) cannot be retried from here: only a job that gave up or was cancelled can.", id, job.Label))
	default:
		kind, text, err := s.retryJob(c, *job)
		if err != nil {
			return err
		}
		setFlash(c, kind, text)
	}
	return c.Redirect(http.StatusSeeOther, back)
}

// retryJob queues j again and says so.
func (s *Server) retryJob(c echo.Context, j jobs.Info) (kind, text string, err error) {
	ctx := c.Request().Context()
	what := fmt.Sprintf("Job #%d (%s)", j.ID, j.Label)
	switch j.Kind {
	case calendars.KindSync:
		err = s.deps.LinkSyncs.EnqueueCalendarSync(ctx, j.UserID)
	case directory.KindSync:
		err = s.deps.LinkSyncs.EnqueueDirectorySync(ctx, j.UserID)
	case recordings.JobSync:
		err = s.deps.LinkSyncs.EnqueueRecordingsSync(ctx, j.UserID)
	default:
		q, rerr := s.deps.Recordings.Retry(ctx, j.UserID, j.RecordingID)
		if errors.Is(rerr, recordings.ErrNotFound) {
			return "warn", what + ": its recording is gone (purged or removed from Drive); nothing was retried.", nil
		}
		if rerr != nil {
			return "", "", fmt.Errorf("retrying job %d: %w", j.ID, rerr)
		}
		note, queued := retryNote(retryQuery(q))
		if !queued {
			return "warn", what + ": " + note, nil
		}
		return "ok", what + " was queued again; its new job is listed at the top.", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("retrying job %d: %w", j.ID, err)
	}
	return "ok", what + " was queued again, unless an equal job was already waiting; the new job is listed at the top.", nil
}
