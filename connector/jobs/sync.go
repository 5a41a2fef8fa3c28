package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
)

// Defaults of Sync.
const (
	// SyncTimeout bounds one attempt of a per-user sync.
	SyncTimeout = 30 * time.Minute
	// ResyncTimeout bounds one periodic re-sync, which only enqueues.
	ResyncTimeout = 5 * time.Minute
)

// UserArgs are the arguments of a per-user sync. A feature's sync kind is a
// type of its own with these fields and its kind's name:
//
//	type syncArgs jobs.UserArgs
//	func (syncArgs) Kind() string { return "directory_sync" }
type UserArgs struct {
	// UserID makes the job unique per kind and user.
	UserID string `json:"user_id" river:"unique"`
	// FollowUp marks a sync queued while an equal one was running: that one
	// may have read its inputs (the linked calendars, say) before the change
	// that asked for a sync, so this one runs after it.
	FollowUp bool `json:"follow_up,omitempty" river:"unique"`
}

// userSync is the arguments of a per-user sync kind: UserArgs's fields.
type userSync interface {
	river.JobArgs
	~struct {
		UserID   string `json:"user_id" river:"unique"`
		FollowUp bool   `json:"follow_up,omitempty" river:"unique"`
	}
}

// Sync declares a per-user sync and its periodic re-sync.
type Sync struct {
	// Label names the sync for people, and ResyncLabel its re-sync.
	// Required.
	Label, ResyncLabel string
	// Work syncs one user. Required.
	Work func(ctx context.Context, userID string) error
	// Timeout bounds one attempt; zero means SyncTimeout.
	Timeout time.Duration
	// Users lists the users the periodic re-sync visits, every Every; a
	// nil Users or an Every that is not positive turns it off.
	Users func(ctx context.Context) ([]string, error)
	Every time.Duration
}

// SyncQueue enqueues a per-user sync: unless one is already waiting; when
// one is running, another is queued to follow it.
type SyncQueue[T userSync] struct{ q *Queue[T] }

// RegisterSync registers with r the per-user sync T and, when s says so,
// its periodic re-sync R, which enqueues T for each of s.Users.
func RegisterSync[T userSync, R river.JobArgs](r *Runner, s Sync) (*SyncQueue[T], error) {
	if s.Work == nil {
		var zero T
		return nil, fmt.Errorf("jobs.RegisterSync %s: Work is required", zero.Kind())
	}
	if s.Timeout == 0 {
		s.Timeout = SyncTimeout
	}
	q, err := Register(r, Kind[T]{Label: s.Label, Timeout: s.Timeout,
		IDs:      func(a T) []string { return []string{UserArgs(a).UserID} },
		FollowUp: func(a T) T { u := UserArgs(a); u.FollowUp = true; return T(u) },
		Work:     func(ctx context.Context, a T) error { return s.Work(ctx, UserArgs(a).UserID) },
	})
	if err != nil {
		return nil, err
	}
	if s.Users == nil || s.Every <= 0 {
		return &SyncQueue[T]{q: q}, nil
	}
	_, err = Register(r, Kind[R]{Label: s.ResyncLabel, Timeout: ResyncTimeout, Every: s.Every,
		Work: Resync[R](s.Users, q, func(u string) T { return T(UserArgs{UserID: u}) })})
	if err != nil {
		return nil, err
	}
	return &SyncQueue[T]{q: q}, nil
}

// Enqueue enqueues a sync of userID.
func (s *SyncQueue[T]) Enqueue(ctx context.Context, userID string) error {
	return s.q.Enqueue(ctx, T(UserArgs{UserID: userID}))
}
