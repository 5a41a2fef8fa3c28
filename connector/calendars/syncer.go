package calendars

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"google.golang.org/api/calendar/v3"
	"google.golang.org/api/option"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/retry"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
)

// DefaultFullSyncEvery is how often a calendar gets a full sync even though
// its sync token still works, so that meetings entering the window as days
// pass are fetched.
const DefaultFullSyncEvery = 24 * time.Hour

// Clients gives HTTP clients that act for a user through the audited door.
// *googlehttp.Door is one.
type Clients interface {
	Client(userID string) *http.Client
}

// Grants gives the users' grants. *grant.Store is one.
type Grants interface {
	// Get returns a user's grant, or an error wrapping grant.ErrNotFound.
	Get(ctx context.Context, userID string) (grant.Grant, error)
}

// Options configure a Syncer.
type Options struct {
	// Store, Clients and Grants are required.
	Store   *Store
	Clients Clients
	Grants  Grants
	// Endpoint is the Calendar API base URL; "" means Google's.
	Endpoint string
	// Retry bounds the attempts of each page fetch; a zero MaxAttempts means
	// retry.Default.
	Retry retry.Policy
	// Now is the clock that places the sync window; nil means time.Now.
	Now func() time.Time
	// FullSyncEvery is how old a full sync may get before the next sync is
	// a full one; 0 means DefaultFullSyncEvery.
	FullSyncEvery time.Duration
	// PageSize is the events.list maxResults; 0 means Google's maximum,
	// 2500, for the fewest requests.
	PageSize int64
}

// Syncer reads the users' calendars from Google and keeps their meetings in
// its Store. It is safe for concurrent use.
type Syncer struct {
	o Options
}

// NewSyncer returns a Syncer.
func NewSyncer(o Options) (*Syncer, error) {
	if o.Store == nil || o.Clients == nil || o.Grants == nil {
		return nil, errors.New("calendars.NewSyncer: Store, Clients and Grants are required")
	}
	if o.Retry.MaxAttempts == 0 {
		o.Retry = retry.Default
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.FullSyncEvery == 0 {
		o.FullSyncEvery = DefaultFullSyncEvery
	}
	if o.PageSize == 0 {
		o.PageSize = maxPageSize
	}
	return &Syncer{o: o}, nil
}

// service returns a Calendar client acting for the user through the door.
// Requests made with ctx declare the purpose meetings.
func (s *Syncer) service(ctx context.Context, userID string) (context.Context, *calendar.Service, error) {
	opts := []option.ClientOption{option.WithHTTPClient(s.o.Clients.Client(userID))}
	if s.o.Endpoint != "" {
		opts = append(opts, option.WithEndpoint(s.o.Endpoint))
	}
	svc, err := calendar.NewService(ctx, opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("calendar.NewService: %w", err)
	}
	return googlehttp.WithPurpose(ctx, scopes.PurposeMeetings), svc, nil
}

// access says which calendar scope the user can use: listAll is true with
// calendar.readonly. It returns ErrNoAccess when neither scope is usable.
func (s *Syncer) access(ctx context.Context, userID string) (listAll bool, err error) {
	g, err := s.o.Grants.Get(ctx, userID)
	if errors.Is(err, grant.ErrNotFound) {
		return false, ErrNoAccess
	}
	if err != nil {
		return false, fmt.Errorf("reading the grant of %s: %w", userID, err)
	}
	switch {
	case g.Usable(scopes.CalendarReadonly):
		return true, nil
	case g.Usable(scopes.CalendarEventsReadonly):
		return false, nil
	}
	return false, ErrNoAccess
}

// calendarListFields are the calendarList.list fields the choosing page
// shows.
const calendarListFields = "items(id,summary,primary,accessRole,timeZone),nextPageToken"

// Choices returns the calendars the user can link and which are linked.
// With calendar.readonly they come from the user's calendar list (calendars
// the user can at least read); otherwise the primary calendar is the only
// choice. It returns an error wrapping ErrNoAccess when the user granted
// neither calendar scope.
func (s *Syncer) Choices(ctx context.Context, userID string) (Choices, error) {
	listAll, err := s.access(ctx, userID)
	if err != nil {
		return Choices{}, fmt.Errorf("calendar choices of %s: %w", userID, err)
	}
	ch := Choices{Linked: map[string]bool{}, PrimaryOnly: !listAll}
	if listAll {
		if ch.Calendars, err = s.calendarList(ctx, userID); err != nil {
			return Choices{}, err
		}
	} else {
		ch.Calendars = []Calendar{primaryCalendar}
	}
	links, err := s.o.Store.Links(ctx, userID)
	if err != nil {
		return Choices{}, err
	}
	for _, l := range links {
		ch.Linked[l.ID] = true
	}
	return ch, nil
}

// calendarList reads the user's calendar list, every page, the primary
// calendar first and the others by summary.
func (s *Syncer) calendarList(ctx context.Context, userID string) ([]Calendar, error) {
	ctx, svc, err := s.service(ctx, userID)
	if err != nil {
		return nil, err
	}
	var out []Calendar
	call := svc.CalendarList.List().MinAccessRole("reader").Fields(calendarListFields)
	for {
		var list *calendar.CalendarList
		err := retry.Do(ctx, s.o.Retry, func(ctx context.Context) error {
			var err error
			list, err = call.Context(ctx).Do()
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("listing the calendars of %s: %w", userID, err)
		}
		for _, e := range list.Items {
			c := Calendar{ID: e.Id, Summary: cmp.Or(e.Summary, e.Id), Primary: e.Primary, AccessRole: e.AccessRole,
				TimeZone: e.TimeZone}
			if c.Primary {
				c.ID = PrimaryID
			}
			out = append(out, c)
		}
		if list.NextPageToken == "" {
			break
		}
		call.PageToken(list.NextPageToken)
	}
	slices.SortFunc(out, func(a, b Calendar) int {
		if a.Primary != b.Primary {
			if a.Primary {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(a.Summary, b.Summary), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// primaryCalendar is the user's primary calendar as known without reading
// the calendar list: its first sync tells its name and time zone.
var primaryCalendar = Calendar{ID: PrimaryID, Summary: "Primary calendar", Primary: true}

// LinkPrimary links the user's primary calendar when no calendar is linked,
// as the default choice right after the user granted calendar access, and
// reports whether it did. It sends nothing to Google: the calendar's first
// sync tells its name and time zone. It returns an error wrapping
// ErrNoAccess when the user granted neither calendar scope.
func (s *Syncer) LinkPrimary(ctx context.Context, userID string) (bool, error) {
	if _, err := s.access(ctx, userID); err != nil {
		return false, fmt.Errorf("linking the primary calendar of %s: %w", userID, err)
	}
	return s.o.Store.linkIfNone(ctx, userID, primaryCalendar)
}

// Link makes the calendars named by ids the user's linked calendars, and
// unlinks the others, removing their meetings. Each id must be one of the
// user's Choices; otherwise it returns an error wrapping ErrUnknownCalendar
// and changes nothing.
func (s *Syncer) Link(ctx context.Context, userID string, ids []string) error {
	ch, err := s.Choices(ctx, userID)
	if err != nil {
		return err
	}
	var chosen []Calendar
	for _, id := range ids {
		i := slices.IndexFunc(ch.Calendars, func(c Calendar) bool { return c.ID == id })
		if i < 0 {
			return fmt.Errorf("linking calendar %q for %s: %w", id, userID, ErrUnknownCalendar)
		}
		if !slices.ContainsFunc(chosen, func(c Calendar) bool { return c.ID == id }) {
			chosen = append(chosen, ch.Calendars[i])
		}
	}
	if err := s.o.Store.setLinks(ctx, userID, chosen); err != nil {
		return fmt.Errorf("linking calendars for %s: %w", userID, err)
	}
	return nil
}
