package web

import (
	"context"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/connector/jobs"
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
	// user is gone; Failure says in words why the last attempt failed.
	Label, Who, Failure string
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
		row := jobRow{Info: j, Label: j.Label, Who: emails[j.UserID], Failure: failureText(j.LastErrorCode, j.LastErrorDetail)}
		if row.Label == "" {
			row.Label = j.Kind
		}
		if row.Who == "" {
			row.Who = j.UserID
		}
		page.Jobs[i] = row
	}
	return s.render(c, http.StatusOK, "jobs", page)
}
