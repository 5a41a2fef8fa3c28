package directory

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"
	"google.golang.org/api/people/v1"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/retry"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
)

// listFields is the partial response of each listing page.
const listFields = "nextPageToken,nextSyncToken,people(" + personFields + ")"

// Sync brings a user's copy of the directory up to date: incrementally when
// a sync token is stored, in full otherwise or when Google reports the token
// expired. On failure the previous copy stays, the failure's code and
// detail (googlehttp.Classify) are kept for the page (see Status), and the
// error is returned. Its start, each page listed and its end are recorded
// for the page's live progress (Status.Running). Once the user's grant is
// revoked, even by a revocation that lands while a page is in flight,
// nothing more is stored for them and the error wraps grant.ErrRevoked.
func (s *Syncer) Sync(ctx context.Context, userID string) (Stats, error) {
	ctx = googlehttp.WithPurpose(ctx, scopes.PurposeInvite)
	var stats Stats
	if err := s.store.begin(ctx, userID); err != nil {
		return stats, err
	}
	err := s.sync(ctx, userID, &stats)
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err != nil {
		if ferr := s.store.fail(rctx, userID, googlehttp.Classify(err)); ferr != nil && !errors.Is(err, grant.ErrRevoked) {
			err = errors.Join(err, ferr)
		}
	}
	// The end is recorded after the outcome, so that a page that sees the
	// sync ended sees how it ended.
	if eerr := s.store.end(rctx, userID); eerr != nil {
		err = errors.Join(err, eerr)
	}
	return stats, err
}

// sync runs an incremental sync when it can and a full one otherwise.
func (s *Syncer) sync(ctx context.Context, userID string, stats *Stats) error {
	svc, err := s.service(ctx, userID)
	if err != nil {
		return err
	}
	st, err := s.store.state(ctx, userID)
	if err != nil {
		return err
	}
	if st.token != "" {
		err := s.incremental(ctx, svc, userID, st, stats)
		if !expiredSyncToken(err) {
			return err
		}
	}
	stats.Full = true
	return s.full(ctx, svc, userID, stats)
}

// service returns a People client that acts for a user through the door.
func (s *Syncer) service(ctx context.Context, userID string) (*people.Service, error) {
	opts := []option.ClientOption{option.WithHTTPClient(s.door.Client(userID))}
	if s.endpoint != "" {
		opts = append(opts, option.WithEndpoint(s.endpoint))
	}
	svc, err := people.NewService(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("people.NewService: %w", err)
	}
	return svc, nil
}

// full lists the whole directory into a new generation and swaps it in.
func (s *Syncer) full(ctx context.Context, svc *people.Service, userID string, stats *Stats) (err error) {
	gen, err := s.store.beginStaging(ctx, userID)
	if err != nil {
		return err
	}
	swapped := false
	defer func() {
		if swapped {
			return
		}
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if derr := s.store.drop(dctx, userID, gen); derr != nil {
			err = errors.Join(err, derr)
		}
	}()
	if err := s.store.expect(ctx, userID); err != nil {
		return err
	}
	token, err := s.pages(ctx, svc, "", stats, func(page []*people.Person) error {
		batch := make([]Person, 0, len(page))
		for _, p := range page {
			if p.Metadata == nil || !p.Metadata.Deleted {
				batch = append(batch, fromAPI(p))
			}
		}
		return s.store.insert(ctx, userID, gen, batch)
	})
	if err != nil {
		return fmt.Errorf("listing the directory for %s: %w", userID, err)
	}
	stats.People, swapped, err = s.store.swap(ctx, userID, gen, token)
	return err
}

// incremental applies the changes since the stored sync token.
func (s *Syncer) incremental(ctx context.Context, svc *people.Service, userID string, st syncState, stats *Stats) error {
	var c changes
	token, err := s.pages(ctx, svc, st.token, stats, func(page []*people.Person) error {
		for _, p := range page {
			if p.Metadata != nil && p.Metadata.Deleted {
				c.removed = append(c.removed, p.ResourceName)
			} else {
				c.put = append(c.put, fromAPI(p))
			}
		}
		return s.store.advance(ctx, userID, len(page))
	})
	if err != nil {
		return fmt.Errorf("listing directory changes for %s: %w", userID, err)
	}
	stats.Changes = len(c.put) + len(c.removed)
	stats.People, _, err = s.store.apply(ctx, userID, st, c, token)
	return err
}

// pages lists the directory, or with syncToken its changes, handing each
// page to fn, and returns the sync token of the last page. Each page is
// retried on its own. The next page is fetched while fn handles the one
// before, so that a sync costs about the longer of the two; at most three
// pages are held at once. pages returns after the last request ended.
func (s *Syncer) pages(ctx context.Context, svc *people.Service, syncToken string, stats *Stats, fn func([]*people.Person) error) (string, error) {
	ctx, cancel := context.WithCancel(ctx)
	fetched := make(chan fetchedPage, 1)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	wg.Go(func() {
		defer close(fetched)
		s.fetchPages(ctx, svc, syncToken, stats, fetched)
	})
	for p := range fetched {
		if p.err != nil {
			return "", p.err
		}
		if err := fn(p.people); err != nil {
			return "", err
		}
		if p.last {
			return p.syncToken, nil
		}
	}
	return "", ctx.Err()
}

// fetchedPage is one page of a listing, or the error that ended it.
type fetchedPage struct {
	people    []*people.Person
	last      bool
	syncToken string // of the last page
	err       error
}

// fetchPages sends the pages of a listing to out, in order, until the last
// page, the first error or the end of ctx.
func (s *Syncer) fetchPages(ctx context.Context, svc *people.Service, syncToken string, stats *Stats, out chan<- fetchedPage) {
	pageToken := ""
	for {
		var resp *people.ListDirectoryPeopleResponse
		err := retry.Do(ctx, s.retry, func(ctx context.Context) error {
			stats.Requests++
			call := svc.People.ListDirectoryPeople().Sources(SourceDomainProfile).ReadMask(ReadMask).
				PageSize(int64(s.pageSize)).RequestSyncToken(true).Fields(listFields)
			if syncToken != "" {
				call.SyncToken(syncToken)
			}
			if pageToken != "" {
				call.PageToken(pageToken)
			}
			var err error
			resp, err = call.Context(ctx).Do()
			return err
		})
		p := fetchedPage{err: err}
		if err == nil {
			p = fetchedPage{people: resp.People, last: resp.NextPageToken == "", syncToken: resp.NextSyncToken}
		}
		select {
		case out <- p:
		case <-ctx.Done():
			return
		}
		if p.err != nil || p.last {
			return
		}
		pageToken = resp.NextPageToken
	}
}

// expiredSyncToken reports whether err is Google's answer to an expired
// sync token: 400 with the reason EXPIRED_SYNC_TOKEN, in an ErrorInfo detail
// or in errors[].
func expiredSyncToken(err error) bool {
	var gerr *googleapi.Error
	return errors.As(err, &gerr) && gerr.Code == http.StatusBadRequest && googlehttp.HasReason(gerr, "EXPIRED_SYNC_TOKEN")
}
