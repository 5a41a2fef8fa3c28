package audit

import "context"

// progressKey is the context key of WithProgress's report.
type progressKey struct{}

// WithProgress returns a context under which Verify (VerifyWitnessed),
// Export and ExportSigned tell report how far they have read: done is the
// seq of the entry they reached and total the chain head's when they
// started, so that a command line can draw a progress bar. Verify reports
// after each page it has checked; the exports after each entry they have
// written, which also counts them. done may pass total on a trail that
// grows meanwhile. report is called on the reading goroutine.
func WithProgress(ctx context.Context, report func(done, total int64)) context.Context {
	return context.WithValue(ctx, progressKey{}, report)
}

// progressTo returns ctx's report for a read of total entries, nil when
// ctx has none.
func progressTo(ctx context.Context, total int64) func(done int64) {
	report, _ := ctx.Value(progressKey{}).(func(done, total int64))
	if report == nil {
		return nil
	}
	return func(done int64) { report(done, total) }
}

// exportProgress returns ctx's report for an export of t, bound to the
// chain head's seq, nil when ctx has none.
func (t *Trail) exportProgress(ctx context.Context) func(done int64) {
	if ctx.Value(progressKey{}) == nil {
		return nil
	}
	h, err := t.readHead(ctx)
	if err != nil {
		h.seq = 0 // an empty trail, or one whose head cannot be read: the export says which
	}
	return progressTo(ctx, h.seq)
}
