package recordings

import (
	"context"
	"time"

	"github.com/scopetrail/scopetrail/connector/jobs"
)

// JobExpireAudio is the kind of the periodic deletion of the audio whose
// retention has passed, as stored in River's river_job.kind column.
const JobExpireAudio = "recordings_expire_audio"

// DefaultExpireEvery spaces the periodic deletions of expired audio.
const DefaultExpireEvery = time.Hour

// expireTimeout bounds one deletion round.
const expireTimeout = 10 * time.Minute

// expireArgs are the arguments of a deletion round: none, it visits every
// member.
type expireArgs struct{}

func (expireArgs) Kind() string { return JobExpireAudio }

// registerExpire registers the periodic deletion of expired audio, which
// runs when the leader starts and then every jo.ExpireEvery (zero means
// DefaultExpireEvery); with a Retention of forever it deletes nothing.
func (j *Jobs) registerExpire(r *jobs.Runner, jo JobOptions) error {
	if jo.ExpireEvery <= 0 {
		jo.ExpireEvery = DefaultExpireEvery
	}
	_, err := jobs.Register(r, jobs.Kind[expireArgs]{Label: "Expired audio deletion", Timeout: expireTimeout,
		Every: jo.ExpireEvery,
		Work: func(ctx context.Context, _ expireArgs) error {
			_, err := j.svc.ExpireAudio(ctx, jo.Retention)
			return err
		}})
	return err
}

// transcribeThenExpire is the transcription job's work: it transcribes the
// recording and, when the retention keeps no audio, deletes the audio of
// what is transcribed at once rather than at the next periodic round.
func (j *Jobs) transcribeThenExpire(ctx context.Context, a transcribeArgs) error {
	if err := j.svc.TranscribeTracked(ctx, a.UserID, a.RecordingID); err != nil {
		return j.revokedIfGone(ctx, a.UserID, err)
	}
	if j.retention != (Retention{}) {
		return nil
	}
	_, err := j.svc.ExpireAudio(ctx, j.retention)
	return err
}
