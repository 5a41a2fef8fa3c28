package directory

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/scopetrail/scopetrail/connector/jobs"
)

// The directory's kinds of job, as stored in River's river_job.kind column;
// queued jobs are found by these names after an upgrade.
const (
	KindSync   = "directory_sync"
	KindResync = "resync_directory"
)

// DefaultResyncEvery spaces the periodic re-syncs of the directory copies.
const DefaultResyncEvery = time.Hour

// syncArgs are the arguments of a directory sync.
type syncArgs jobs.UserArgs

func (syncArgs) Kind() string { return KindSync }

// resyncArgs are the (empty) arguments of the periodic re-sync.
type resyncArgs struct{}

func (resyncArgs) Kind() string { return KindResync }

// Jobs queues the syncs of the directory copies as durable jobs.
type Jobs struct {
	sync   *jobs.SyncQueue[syncArgs]
	syncer *Syncer
}

// RegisterJobs registers with r the directory sync, which s works, and its
// periodic re-sync of every copy (Syncer.Users) every every: zero means
// DefaultResyncEvery, a negative value turns it off.
func RegisterJobs(r *jobs.Runner, s *Syncer, every time.Duration) (*Jobs, error) {
	if every == 0 {
		every = DefaultResyncEvery
	}
	q, err := jobs.RegisterSync[syncArgs, resyncArgs](r, jobs.Sync{Users: s.Users, Every: every,
		Label: "Directory sync", ResyncLabel: "Periodic directory re-sync",
		Work: func(ctx context.Context, userID string) error {
			if _, err := s.Sync(ctx, userID); err != nil {
				return fmt.Errorf("syncing the directory: %w", err)
			}
			return nil
		}})
	if err != nil {
		return nil, fmt.Errorf("directory.RegisterJobs: %w", err)
	}
	return &Jobs{sync: q, syncer: s}, nil
}

// EnqueueDirectorySync queues a sync of the directory copy userID sees,
// unless one is already waiting; when one is running, another follows it.
// The request is recorded first, so that the page shows the sync queued
// until it starts (Status.Queued).
func (j *Jobs) EnqueueDirectorySync(ctx context.Context, userID string) error {
	if err := j.syncer.Request(ctx, userID); err != nil {
		return err
	}
	if err := j.sync.Enqueue(ctx, userID); err != nil {
		return errors.Join(err, j.syncer.store.unrequest(context.WithoutCancel(ctx), userID))
	}
	return nil
}
