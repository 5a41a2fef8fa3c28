// Package directory keeps each admin's copy of the Google Workspace directory,
// for inviting colleagues, and searches it.
//
// Every request goes to the People API through the audited door with the
// purpose "invite", asks only for names and email addresses, and is
// retried on its own (connector/retry) when Google is briefly unavailable.
//
// A full sync lists the directory with people.listDirectoryPeople into a new
// generation of the copy, beside the live one, and swaps it in with one
// transaction once the last page has arrived: a sync that fails part-way
// leaves the previous copy as it was. The sync token of the last page makes
// the next sync incremental: it applies the changes and tombstones since,
// again in one transaction. When Google reports the token expired, the sync
// starts over as a full one.
//
// The copy belongs to the admin who ran the sync; Purge removes it.
package directory

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/scopetrail/scopetrail/connector/retry"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// Request parameters shared by every call.
const (
	// SourceDomainProfile limits the directory to the domain's profiles.
	SourceDomainProfile = "DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE"
	// ReadMask asks only for what the directory page shows.
	ReadMask = "names,emailAddresses"
	// MaxPageSize is the largest page listDirectoryPeople serves.
	MaxPageSize = 1000
	// SearchPageSize is how many people a picker search returns.
	SearchPageSize = 25
)

// personFields trims each person to what the page shows, beyond ReadMask.
const personFields = "resourceName,metadata/deleted,names(displayName,metadata/primary)," +
	"emailAddresses(value,metadata/primary)"

// ErrEmptyQuery means a search was given nothing to look for.
var ErrEmptyQuery = errors.New("directory: empty search query")

// Person is one colleague of the directory, as the page shows them.
type Person struct {
	// ResourceName is the People API id, "people/…".
	ResourceName string
	Name, Email  string
}

// Stats describe one sync.
type Stats struct {
	// Requests counts the People API requests sent, retries included.
	Requests int
	// People is the number of people in the copy after the sync.
	People int64
	// Changes counts the people an incremental sync added, changed or
	// removed; a full sync leaves it 0.
	Changes int
	// Full reports whether the sync listed the whole directory.
	Full bool
}

// Status is what the directory page shows about a user's copy.
type Status struct {
	// Synced reports whether a copy exists.
	Synced bool
	// People is the number of people in the copy.
	People int64
	// LastSync is when the copy last changed hands or was brought up to
	// date; LastFull when the directory was last listed in full.
	LastSync, LastFull time.Time
	// LastError is the code of the latest sync's failure (a
	// googlehttp.Failure code), "" when it succeeded; LastErrorDetail says
	// more, redacted; LastErrorAt is when it failed.
	LastError, LastErrorDetail string
	LastErrorAt                time.Time
	// Running reports that a sync is under way: it started, has not ended
	// and listed a page within StalledAfter. Fetched is how many people
	// (or, for an incremental sync, changes) it listed so far; Expected,
	// for a full sync of a directory copied before, about how many it will
	// list in all (the copy's size), 0 when that is not known.
	Running           bool
	Fetched, Expected int64
	// Queued reports that a sync was asked for within QueuedFor and has
	// not started yet.
	Queued bool
	// StartedAt is when the latest sync started; LastTook how long it took
	// once it ended, whether it succeeded or failed (zero before).
	StartedAt time.Time
	LastTook  time.Duration
}

// Door gives the HTTP client that acts for a user through the audited door.
// *googlehttp.Door is one.
type Door interface {
	Client(userID string) *http.Client
}

// Options configure a Syncer.
type Options struct {
	// DB holds the copies. Required, migrated.
	DB *sqldb.DB
	// Door sends every request. Required.
	Door Door
	// Endpoint is the People API base URL; "" means Google's.
	Endpoint string
	// Retry bounds the attempts at each page; the zero Policy means
	// retry.Default.
	Retry retry.Policy
	// PageSize is the listing's page size; 0 means MaxPageSize.
	PageSize int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Syncer syncs, searches and purges the users' copies of the directory.
// It is safe for concurrent use.
type Syncer struct {
	store    *store
	door     Door
	endpoint string
	retry    retry.Policy
	pageSize int
	now      func() time.Time
}

// New returns a Syncer.
func New(o Options) (*Syncer, error) {
	if o.DB == nil || o.Door == nil {
		return nil, errors.New("directory.New: DB and Door are required")
	}
	if o.PageSize < 0 || o.PageSize > MaxPageSize {
		return nil, fmt.Errorf("directory.New: PageSize %d is not between 1 and %d", o.PageSize, MaxPageSize)
	}
	s := &Syncer{door: o.Door, endpoint: o.Endpoint, retry: o.Retry, pageSize: o.PageSize, now: o.Now}
	if s.retry.MaxAttempts == 0 {
		s.retry = retry.Default
	}
	if s.pageSize == 0 {
		s.pageSize = MaxPageSize
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.store = &store{db: o.DB, now: s.now}
	return s, nil
}

// Status returns the state of a user's copy. A user who never synced gets
// the zero Status.
func (s *Syncer) Status(ctx context.Context, userID string) (Status, error) {
	return s.store.status(ctx, userID)
}

// Request records that a sync of a user's copy was asked for, so that
// Status reports it queued until it starts. Jobs.EnqueueDirectorySync
// calls it.
func (s *Syncer) Request(ctx context.Context, userID string) error {
	return s.store.request(ctx, userID)
}

// People returns the people of a user's copy whose name or email has words
// starting with every word of query, or everyone when query is blank,
// ordered by name, at most limit of them (all when limit is 0 or less).
func (s *Syncer) People(ctx context.Context, userID, query string, limit int) ([]Person, error) {
	return s.store.find(ctx, userID, query, limit)
}

// Users returns, sorted, the users who have a copy, for the periodic
// re-sync.
func (s *Syncer) Users(ctx context.Context) ([]string, error) {
	return s.store.owners(ctx)
}

// PurgeName names the directory copy in revocation reports and audit
// entries, as revoke.Purger asks.
func (s *Syncer) PurgeName() string { return "directory" }

// Purge deletes a user's copy and sync state, and returns the rows removed.
func (s *Syncer) Purge(ctx context.Context, userID string) (int64, error) {
	return s.store.purge(ctx, userID)
}
