package web

import (
	"fmt"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/connector/directory"
)

// directorySyncProgress answers the directory page's progress poll: how
// far the admin's sync has come, and whether it ended.
func (s *Server) directorySyncProgress(c echo.Context) error {
	u, _ := currentUser(c)
	st, err := s.deps.Directory.Status(c.Request().Context(), u.ID)
	if err != nil {
		return fmt.Errorf("reading directory status: %w", err)
	}
	return writeProgress(c, progressReport{Percent: syncPercent(st), Text: syncProgressText(st), Done: !st.Running && !st.Queued})
}

// syncPercent estimates how far a running full sync has come from the
// size of the copy it replaces, short of 100 until it ends; nil when there
// is nothing to go by.
func syncPercent(st directory.Status) *int {
	if !st.Running {
		return nil
	}
	p := percentOf(st.Fetched, st.Expected)
	if p != nil && *p > 99 {
		*p = 99
	}
	return p
}

// syncProgressText says how a sync under way is coming along; "" when none
// is.
func syncProgressText(st directory.Status) string {
	switch {
	case st.Running && st.Fetched == 0:
		return "Syncing: asking Google for the directory…"
	case st.Running && st.Expected > 0:
		return "Syncing: " + thousands(st.Fetched) + " of about " + thousands(st.Expected) + " people listed…"
	case st.Running:
		return "Syncing: " + thousands(st.Fetched) + " people listed so far…"
	case st.Queued:
		return "Sync queued: it starts as soon as a worker is free…"
	}
	return ""
}

// SyncResult says how the latest sync ended, when it succeeded and its
// duration is known: "Synced 1,234 people in 3 s."; "" otherwise.
func (p directoryPage) SyncResult() string {
	st := p.Status
	if !st.Synced || st.LastError != "" || st.LastTook <= 0 || st.Running {
		return ""
	}
	return "Synced " + thousands(st.People) + " people " + took(st.LastTook) + "."
}

// SyncProgress is syncProgressText of the page's status.
func (p directoryPage) SyncProgress() string { return syncProgressText(p.Status) }

// SyncPercent is syncPercent of the page's status.
func (p directoryPage) SyncPercent() *int { return syncPercent(p.Status) }

// PeopleCount is the number of people in the copy, with thousands
// separated: "1,234".
func (p directoryPage) PeopleCount() string { return thousands(p.Status.People) }

// took says how long something took, to the second: "in under a second",
// "in 3 s", "in 2 min 5 s".
func took(d time.Duration) string {
	switch secs := int64(d.Round(time.Second) / time.Second); {
	case secs < 1:
		return "in under a second"
	case secs < 60:
		return "in " + strconv.FormatInt(secs, 10) + " s"
	default:
		return fmt.Sprintf("in %d min %d s", secs/60, secs%60)
	}
}

// thousands formats n with commas between groups of three digits.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3+1)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}
