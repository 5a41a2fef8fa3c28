package recordings

import (
	"time"

	"github.com/scopetrail/scopetrail/connector/jobs"
)

// QueueStatus says what became of a request for a file's next step.
type QueueStatus string

// What Retry did.
const (
	// QueuedNow: a job was queued, or, without jobs, the step was done.
	QueuedNow QueueStatus = "queued"
	// QueuedWaiting: nothing was queued, an equal job already waits to
	// run; Since is when it is due.
	QueuedWaiting QueueStatus = "waiting"
	// QueuedRunning: nothing was queued, an equal job runs, on this
	// replica or another; Since is when it started.
	QueuedRunning QueueStatus = "running"
	// QueuedStalled: nothing was queued, an equal job is marked running
	// but its process stopped answering; Since is when it was last heard
	// of. It is put back, to run again, within a minute.
	QueuedStalled QueueStatus = "stalled"
)

// Queued says what became of a request for a file's next step.
type Queued struct {
	Status QueueStatus
	// Job is the kind of the job that waits or runs (JobDownload,
	// JobTranscribe, JobTranscript); "" when queued now.
	Job   string
	Since time.Time
}

// queuedFrom says what the outcome of a job request means for the file.
func queuedFrom(out jobs.Outcome) Queued {
	p := out.Pending
	switch {
	case out.Queued:
		return Queued{Status: QueuedNow}
	case p.State != "running":
		return Queued{Status: QueuedWaiting, Job: p.Kind, Since: p.ScheduledAt}
	case p.Stalled:
		return Queued{Status: QueuedStalled, Job: p.Kind, Since: p.AliveAt}
	}
	return Queued{Status: QueuedRunning, Job: p.Kind, Since: p.AttemptedAt}
}
