package auditcli

import (
	"context"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/scopetrail/scopetrail/scopes/audit"
)

// progress follows a long read of the trail (audit.WithProgress): it
// counts the reports, and draws a bar on stderr when stderr is a terminal.
type progress struct {
	bar *progressbar.ProgressBar
	// reports counts the reports: the entries an export wrote.
	reports int64
}

// withProgress returns ctx reporting to a new progress, whose bar, on a
// terminal, is labelled label.
func (e *auditEnv) withProgress(ctx context.Context, label string) (context.Context, *progress) {
	p := &progress{}
	if e.opener.Terminal.Progress {
		p.bar = progressbar.NewOptions64(-1, progressbar.OptionSetWriter(e.stderr), progressbar.OptionSetDescription(label),
			progressbar.OptionSetWidth(30), progressbar.OptionShowCount(), progressbar.OptionSetItsString("entries"),
			progressbar.OptionShowIts(), progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish())
	}
	return audit.WithProgress(ctx, p.report), p
}

// report takes one report: the read reached entry done of total.
func (p *progress) report(done, total int64) {
	p.reports++
	if p.bar == nil {
		return
	}
	if total = max(total, done); total > 0 && p.bar.GetMax64() != total {
		p.bar.ChangeMax64(total)
	}
	_ = p.bar.Set64(done)
}

// finish takes the bar off the terminal, so that the summary that follows
// stands alone.
func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
