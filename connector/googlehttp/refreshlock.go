package googlehttp

import "context"

// RefreshLocker is what a TokenStore shared by several processes offers so
// that one refresh at a time runs for a user across all of them; the door
// finds it by type assertion. Without it, a refresh is single-flight only
// within one Door. A server that rotates refresh tokens takes a refresh
// token used twice for a stolen one and ends the grant, so replicas must
// not refresh the same token at once. *tokens.Store is one.
type RefreshLocker interface {
	// LockRefresh calls fn while it holds the user's refresh lock, which
	// no other LockRefresh for the same user holds at the same time, in
	// this process or in another one sharing the store. A token saved by a
	// holder before fn was called is what fn's Load returns. Waiting for the
	// lock ends with ctx. LockRefresh returns fn's error, or an error if the
	// lock could not be taken, in which case fn was not called.
	LockRefresh(ctx context.Context, userID string, fn func(ctx context.Context) error) error
}
