package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// progressReport is what a progress endpoint answers, the JSON that
// static/progress.js polls for an element with data-progress="URL".
type progressReport struct {
	// Percent is how far the work is, 0 to 100, or nil when that is not
	// known (a sync that does not know how many pages remain).
	Percent *int `json:"percent"`
	// Text is the progress in words: "1:05 of 4:00 of audio".
	Text string `json:"text"`
	// Done is true once the work has finished, for better or worse: the
	// script then reloads the page to show the result.
	Done bool `json:"done"`
}

// percentOf returns done/total as a whole percentage for a progressReport,
// or nil when total is not known.
func percentOf(done, total int64) *int {
	if total <= 0 {
		return nil
	}
	p := int(min(max(done*100/total, 0), 100))
	return &p
}

// writeProgress answers a progress poll. It is never cached, so each poll
// sees the work as it stands.
func writeProgress(c echo.Context, p progressReport) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, p)
}
