package calendars

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"google.golang.org/api/calendar/v3"
	"google.golang.org/api/googleapi"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/retry"
)

// eventFields are the events.list fields the meetings pages show (the
// calendar's name and time zone among them), and the page and sync tokens.
const eventFields = "summary,timeZone,items(id,status,summary,start(date,dateTime),end(date,dateTime)," +
	"conferenceData(conferenceId,conferenceSolution/key/type),organizer/email," +
	"attendees(email,displayName,responseStatus,organizer),attachments(fileId,fileUrl,title,mimeType))," +
	"nextPageToken,nextSyncToken"

// maxPageSize is Google's maximum events.list maxResults.
const maxPageSize = 2500

// Sync brings the meetings of every calendar the user linked up to date.
// A calendar with a sync token gets an incremental sync, unless its last
// full sync is older than Options.FullSyncEvery; one whose token Google no
// longer accepts (410) gets a full sync, which removes the meetings Google
// no longer returns. Each calendar's changes are stored in one transaction.
// A calendar that fails keeps its previous meetings and its failure's code
// and detail (googlehttp.Classify) are recorded on its link; Sync goes on
// with the others and returns the failures joined; when the audited door
// sends nothing for the user (no usable grant or token, or no audit trail),
// Sync stops at the first calendar. A calendar unlinked
// during the sync is skipped. Once the user's grant is revoked, even while
// a request is in flight, nothing more is stored for them and the error
// wraps grant.ErrRevoked. Each calendar it finishes with, and in the end
// every linked calendar, counts as synced for Store.SyncProgress.
func (s *Syncer) Sync(ctx context.Context, userID string) (Stats, error) {
	var stats Stats
	start := s.o.Now()
	links, err := s.o.Store.Links(ctx, userID)
	if err != nil || len(links) == 0 {
		return stats, err
	}
	errs := []error{s.syncLinks(ctx, userID, links, start, &stats)}
	errs = append(errs, s.o.Store.markAttempted(ctx, userID, "", start))
	return stats, errors.Join(errs...)
}

// syncLinks syncs the linked calendars in turn for Sync, which began at
// start, adding what each did to stats.
func (s *Syncer) syncLinks(ctx context.Context, userID string, links []Link, start time.Time, stats *Stats) error {
	ctx, svc, err := s.service(ctx, userID)
	if err != nil {
		return err
	}
	var errs []error
	for _, l := range links {
		cs := s.syncCalendar(ctx, svc, userID, l.ID)
		stats.Calendars = append(stats.Calendars, cs)
		if cs.Err == nil {
			errs = append(errs, s.o.Store.markAttempted(ctx, userID, l.ID, start))
			continue
		}
		errs = append(errs, cs.Err)
		f := googlehttp.Classify(cs.Err)
		errs = append(errs, s.o.Store.recordFailure(ctx, userID, l.ID, f), s.o.Store.markAttempted(ctx, userID, l.ID, start))
		if f.Class.NothingSent() {
			break // The door sends nothing for this user: the other calendars would fare no better.
		}
	}
	return errors.Join(errs...)
}

// syncCalendar syncs one linked calendar.
func (s *Syncer) syncCalendar(ctx context.Context, svc *calendar.Service, userID, calendarID string) CalendarStats {
	cs := CalendarStats{CalendarID: calendarID}
	fail := func(err error) CalendarStats {
		cs.Err = fmt.Errorf("syncing calendar %s of %s: %w", calendarID, userID, err)
		return cs
	}
	st, err := s.o.Store.state(ctx, userID, calendarID)
	if errors.Is(err, ErrNotFound) { // Unlinked since Sync listed it.
		return cs
	}
	if err != nil {
		return fail(err)
	}
	now := s.o.Now()
	from, to := Window(now)
	cs.Full = st.token == "" || now.Sub(st.fullSyncAt) >= s.o.FullSyncEvery
	var ch changes
	if !cs.Full {
		ch, err = s.fetch(ctx, svc, calendarID, st.token, from, to, &cs.Requests)
		if fullSyncRequired(err) {
			cs.Full = true
		} else if err != nil {
			return fail(err)
		}
	}
	if cs.Full {
		if ch, err = s.fetch(ctx, svc, calendarID, "", from, to, &cs.Requests); err != nil {
			return fail(err)
		}
	}
	ch.at = now
	cs.Stored, cs.Removed, err = s.o.Store.apply(ctx, userID, calendarID, ch)
	if err != nil && !errors.Is(err, ErrNotFound) { // Unlinked meanwhile: nothing to keep.
		return fail(err)
	}
	return cs
}

// fetch lists the calendar's events, every page: the window [from, to) for
// a full sync (token ""), or the changes since token. Meetings outside the
// window are left out of the upserts, and for an incremental sync marked
// for removal. requests counts the requests sent.
func (s *Syncer) fetch(ctx context.Context, svc *calendar.Service, calendarID, token string, from, to time.Time,
	requests *int) (changes, error) {
	ch := changes{full: token == "", from: from}
	call := svc.Events.List(calendarID).SingleEvents(true).MaxResults(s.o.PageSize).Fields(eventFields)
	if ch.full {
		call.TimeMin(from.Format(time.RFC3339)).TimeMax(to.Format(time.RFC3339))
	} else {
		call.SyncToken(token)
	}
	for {
		var events *calendar.Events
		err := retry.Do(ctx, s.o.Retry, func(ctx context.Context) error {
			var err error
			events, err = call.Context(ctx).Do()
			if !googlehttp.Classify(err).Class.NothingSent() {
				*requests++
			}
			return err
		})
		if err != nil {
			return changes{}, fmt.Errorf("listing events: %w", err)
		}
		ch.summary, ch.zone = cmp.Or(events.Summary, ch.summary), cmp.Or(events.TimeZone, ch.zone)
		for _, e := range events.Items {
			m, ok := toMeeting(calendarID, e)
			switch {
			case e.Status == "cancelled":
				ch.cancelled = append(ch.cancelled, e.Id)
			case ok && m.End.After(from) && m.Start.Before(to):
				ch.upserts = append(ch.upserts, m)
			case !ch.full:
				ch.removed = append(ch.removed, e.Id)
			}
		}
		if events.NextPageToken == "" {
			ch.token = events.NextSyncToken
			return ch, nil
		}
		call.PageToken(events.NextPageToken)
	}
}

// fullSyncRequired reports whether Google refused a sync token: 410 Gone,
// with the reason fullSyncRequired (or updatedMinTooLongAgo, deleted).
func fullSyncRequired(err error) bool {
	var gerr *googleapi.Error
	return errors.As(err, &gerr) && gerr.Code == http.StatusGone
}
