package jobs

import (
	"context"
	"fmt"
	"slices"

	"github.com/riverqueue/river"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
)

// Grants lists every grant, for the periodic re-syncs to choose their
// users from. *grant.Store satisfies it.
type Grants interface {
	List(ctx context.Context) ([]grant.Grant, error)
}

// UsersGranted returns the lister of the users whose grant is usable for
// purpose and for none of except: nobody revoked, nobody who granted too
// little. It is the one policy of who a periodic re-sync visits.
func UsersGranted(grants Grants, purpose scopes.Purpose, except ...scopes.Purpose) func(context.Context) ([]string, error) {
	return func(ctx context.Context) ([]string, error) {
		all, err := grants.List(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing grants: %w", err)
		}
		var ids []string
		for _, g := range all {
			p := g.Purposes()
			if slices.Contains(p, purpose) && !slices.ContainsFunc(except, func(e scopes.Purpose) bool { return slices.Contains(p, e) }) {
				ids = append(ids, g.UserID)
			}
		}
		return ids, nil
	}
}

// Resync returns the Work of a periodic re-sync, a kind with arguments R:
// it enqueues on q the job that job makes for each user that users lists.
// A job that has not finished for a user is not enqueued again; without
// users, the re-sync is cancelled with ErrNotWired.
func Resync[R, T river.JobArgs](users func(context.Context) ([]string, error), q *Queue[T], job func(userID string) T) func(context.Context, R) error {
	return func(ctx context.Context, _ R) error {
		if users == nil {
			return ErrNotWired
		}
		ids, err := users(ctx)
		if err != nil {
			return fmt.Errorf("listing the users to re-sync: %w", err)
		}
		list := make([]T, len(ids))
		for i, id := range ids {
			list[i] = job(id)
		}
		return q.EnqueueMany(ctx, list)
	}
}
