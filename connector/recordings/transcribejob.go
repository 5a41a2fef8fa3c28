package recordings

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/scopetrail/scopetrail/connector/jobs"
)

// JobTranscribe is the kind of the transcription of one downloaded
// recording, as stored in River's river_job.kind column.
const JobTranscribe = "recording_transcribe"

// transcribeTimeout bounds one attempt at transcribing a recording; the
// engines bound their own work further.
const transcribeTimeout = 4 * time.Hour

// progressEvery spaces the writes of a transcription's progress.
const progressEvery = time.Second

// transcribeArgs are the arguments of a transcription: unique by user and
// file, so that however many replicas enqueue it, one job transcribes the
// file at a time.
type transcribeArgs fileArgs

func (transcribeArgs) Kind() string { return JobTranscribe }

// registerTranscribe registers the transcription kind, on the queue of
// long jobs.
func (j *Jobs) registerTranscribe(r *jobs.Runner) error {
	var err error
	j.transcribe, err = jobs.Register(r, jobs.Kind[transcribeArgs]{Label: "Recording transcription", Timeout: transcribeTimeout,
		Queue: jobs.QueueDownloads,
		IDs:   func(a transcribeArgs) []string { return []string{a.UserID, a.RecordingID} },
		Work:  j.transcribeThenExpire})
	return err
}

// downloadThenQueue is the download job's work: it downloads the recording
// and queues its transcription as a job of its own.
func (j *Jobs) downloadThenQueue(ctx context.Context, a downloadArgs) error {
	if err := j.revokedIfGone(ctx, a.UserID, j.svc.Download(ctx, a.UserID, a.RecordingID)); err != nil {
		if jobs.Final(ctx, err) {
			// No attempt will resume the partial download.
			err = errors.Join(err, j.svc.dropPart(a.UserID, a.RecordingID))
		}
		return err
	}
	r, err := j.svc.store.get(ctx, a.UserID, a.RecordingID)
	if err != nil {
		return err
	}
	if r.State != StateDownloaded && r.State != StateQueued {
		return nil
	}
	return j.transcribe.Enqueue(ctx, transcribeArgs{UserID: a.UserID, RecordingID: a.RecordingID})
}

// TranscribeTracked transcribes a recording as Transcribe does, storing
// the engine's progress on the recording's row as it goes (at most once a
// second), where its page and the Jobs page read it, and clearing it when
// the transcription stops short. A progress callback already on ctx
// (WithProgress) is called too.
func (s *Service) TranscribeTracked(ctx context.Context, userID, fileID string) error {
	if err := s.store.setProgress(ctx, userID, fileID, 0, 0); err != nil {
		return err
	}
	outer, _ := ctx.Value(progressKey{}).(func(done, total time.Duration))
	var mu sync.Mutex
	var last time.Time
	err := s.Transcribe(WithProgress(ctx, func(done, total time.Duration) {
		if outer != nil {
			outer(done, total)
		}
		mu.Lock()
		due := time.Since(last) >= progressEvery || done >= total
		if due {
			last = time.Now()
		}
		mu.Unlock()
		if due {
			// A lost progress write only delays what the pages show.
			_ = s.store.setProgress(ctx, userID, fileID, done, total)
		}
	}), userID, fileID)
	if err != nil {
		// No transcription runs any more: the pages show no progress.
		err = errors.Join(err, s.store.setProgress(context.WithoutCancel(ctx), userID, fileID, 0, 0))
	}
	return err
}

// setProgress stores how much of a recording's audio its transcription
// has done. A row gone meanwhile is no error.
func (s *store) setProgress(ctx context.Context, userID, fileID string, done, total time.Duration) error {
	_, err := s.db.Exec(ctx, `UPDATE recordings SET progress_ms = ?, audio_ms = ? WHERE user_id = ? AND file_id = ?`,
		done.Milliseconds(), total.Milliseconds(), userID, fileID)
	if err != nil {
		return fmt.Errorf("storing the transcription progress of %s: %w", fileID, err)
	}
	return nil
}
