// Package transcribecli is `scopetrail transcribe --user EMAIL [--file ID]`:
// it transcribes a member's recordings again, one at a time, with a
// progress bar on a terminal and a line per recording otherwise.
package transcribecli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/scopetrail/scopetrail/connector/recordings"
)

// Service is the part of the recordings service the command uses;
// *recordings.Service is one.
type Service interface {
	List(ctx context.Context, userID string) ([]recordings.Recording, error)
	Recording(ctx context.Context, userID, fileID string) (recordings.Recording, error)
	Retranscribe(ctx context.Context, userID, fileID string) error
}

// Options say what to transcribe and where to report.
type Options struct {
	// UserID is the member; FileID, when set, the one recording to
	// transcribe, else every recording of the member is.
	UserID, FileID string
	// Out receives the report; Terminal draws progress bars on it.
	Out      io.Writer
	Terminal bool
}

// Run transcribes the recordings again and reports how each ended. It
// returns an error when a recording could not be transcribed, after trying
// them all.
func Run(ctx context.Context, svc Service, o Options) error {
	var recs []recordings.Recording
	if o.FileID != "" {
		r, err := svc.Recording(ctx, o.UserID, o.FileID)
		if err != nil {
			return fmt.Errorf("finding recording %s: %w", o.FileID, err)
		}
		recs = append(recs, r)
	} else {
		all, err := svc.List(ctx, o.UserID)
		if err != nil {
			return fmt.Errorf("listing the recordings: %w", err)
		}
		for _, r := range all {
			if r.Kind == recordings.KindRecording {
				recs = append(recs, r)
			}
		}
	}
	if len(recs) == 0 {
		fmt.Fprintln(o.Out, "no recordings to transcribe")
		return nil
	}
	var failed []error
	for i, r := range recs {
		label := fmt.Sprintf("[%d/%d] %s", i+1, len(recs), r.Name)
		if err := one(ctx, svc, o, r, label); err != nil {
			failed = append(failed, err)
		}
	}
	return errors.Join(failed...)
}

// one transcribes a recording and prints how it ended.
func one(ctx context.Context, svc Service, o Options, r recordings.Recording, label string) error {
	var bar *progressbar.ProgressBar
	if o.Terminal {
		bar = progressbar.NewOptions64(1, progressbar.OptionSetWriter(o.Out), progressbar.OptionSetDescription(label),
			progressbar.OptionSetWidth(30), progressbar.OptionShowElapsedTimeOnFinish(), progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionOnCompletion(func() { fmt.Fprintln(o.Out) }))
		ctx = recordings.WithProgress(ctx, func(done, total time.Duration) {
			if total > 0 && bar.GetMax64() != int64(total.Seconds()) {
				bar.ChangeMax64(int64(total.Seconds()))
			}
			_ = bar.Set64(int64(done.Seconds()))
		})
	}
	err := svc.Retranscribe(ctx, r.UserID, r.FileID)
	if bar != nil {
		_ = bar.Finish()
	}
	if err != nil {
		fmt.Fprintf(o.Out, "%s: error: %v\n", label, err)
		return fmt.Errorf("transcribing %s: %w", r.FileID, err)
	}
	got, err := svc.Recording(ctx, r.UserID, r.FileID)
	if err != nil {
		return fmt.Errorf("reading recording %s: %w", r.FileID, err)
	}
	switch got.State {
	case recordings.StateTranscribed:
		fmt.Fprintf(o.Out, "%s: transcribed\n", label)
		return nil
	case recordings.StateFailed:
		fmt.Fprintf(o.Out, "%s: failed: %s\n", label, got.Reason)
		return fmt.Errorf("transcribing %s: %s", r.FileID, got.Reason)
	}
	fmt.Fprintf(o.Out, "%s: %s: %s\n", label, got.State, got.Reason)
	return nil
}
