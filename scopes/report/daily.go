package report

import (
	"context"
	"fmt"
	"time"

	"github.com/scopetrail/scopetrail/scopes/audit"
)

// DailySource gives the daily figures of a user, or of everyone, from the
// trail's daily roll-up. *audit.Trail satisfies it.
type DailySource interface {
	Daily(ctx context.Context, userID string, since time.Time) (audit.Daily, error)
}

// Chart is what a usage chart draws: the daily figures of the days up to
// Time's.
type Chart struct {
	// Time is when the figures were read; the last day is its day.
	Time time.Time
	audit.Daily
}

// Chart returns the daily figures of a user, everyone's when userID is
// empty, over the last days days, today's included. A Builder without a
// Daily source returns an empty chart.
func (b Builder) Chart(ctx context.Context, userID string, days int) (Chart, error) {
	now := b.now()
	c := Chart{Time: now}
	if b.Daily == nil {
		return c, nil
	}
	first := now.Truncate(24*time.Hour).AddDate(0, 0, 1-days)
	d, err := b.Daily.Daily(ctx, userID, first)
	if err != nil {
		return Chart{}, fmt.Errorf("reading the usage chart: %w", err)
	}
	c.Daily = d
	return c, nil
}
