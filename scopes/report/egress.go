package report

import (
	"context"
	"fmt"
	"time"

	"github.com/scopetrail/scopetrail/scopes/audit"
)

// EgressSource sums transcription egress by engine and host since a time.
// *audit.Trail satisfies it.
type EgressSource interface {
	Egress(ctx context.Context, since time.Time) ([]audit.EgressSummary, error)
}

// withEgress adds the transcription egress of the report's 30 days.
func withEgress(ctx context.Context, rep Report, src EgressSource) (Report, error) {
	egress, err := src.Egress(ctx, rep.Time.Add(-Month))
	if err != nil {
		return Report{}, fmt.Errorf("building the least-privilege report: %w", err)
	}
	rep.Egress = append([]audit.EgressSummary{}, egress...)
	return rep, nil
}
