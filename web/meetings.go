package web

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/connector/calendars"
	"github.com/scopetrail/scopetrail/connector/recordings"
)

// Meetings reads a member's synced meetings. *calendars.Store satisfies it.
type Meetings interface {
	// Window returns the sync window: meetings outside it are not kept.
	Window() (from, to time.Time)
	// Meetings returns the user's meetings that overlap [from, to).
	Meetings(ctx context.Context, userID string, from, to time.Time) ([]calendars.Meeting, error)
	// Meeting returns one meeting, or an error wrapping calendars.ErrNotFound.
	Meeting(ctx context.Context, userID, id string) (calendars.Meeting, error)
	// Links returns the user's linked calendars with their sync state.
	Links(ctx context.Context, userID string) ([]calendars.Link, error)
	// SyncProgress says how far the sync the user last asked for has gone.
	SyncProgress(ctx context.Context, userID string) (calendars.Progress, error)
}

// Layouts of the times the meetings pages show, in the page's time zone.
const (
	dayLayout  = "Mon 2 Jan 2006"
	timeLayout = "15:04"
)

// stateWords say where a recording or transcript stands.
var stateWords = map[recordings.State]string{
	recordings.StateFound:       "found",
	recordings.StateDownloading: "downloading",
	recordings.StateDownloaded:  "downloaded",
	recordings.StateQueued:      "queued for transcription",
	recordings.StateTranscribed: "transcribed",
	recordings.StateFailed:      "failed",
}

// fileRow is a recording or transcript of a meeting. FileID names its
// page, /recordings/:id.
type fileRow struct {
	FileID, Kind, Name, State, Reason string
	Failed                            bool
}

// meetingRow is a meeting as the pages show it.
type meetingRow struct {
	calendars.Meeting
	// When says when it happens, in words, in the page's time zone.
	When string
	// Calendar names the linked calendar it comes from.
	Calendar string
	// Guests names the first attendees for the list, MoreGuests counts the
	// others.
	Guests     []string
	MoreGuests int
	// Past is true once it ended.
	Past  bool
	Files []fileRow
}

// listedGuests is how many attendees a row of the meetings list names.
const listedGuests = 3

// linkRow is a linked calendar and how its last sync went.
type linkRow struct {
	Summary, Synced, Error string
}

// syncView is a running sync as the meetings page shows it.
type syncView struct {
	Percent int
	Text    string
}

// meetingsPage is what the meetings page shows.
type meetingsPage struct {
	// From and To bound the window searched, in words.
	From, To string
	Zone     meetingZone
	// Access says what the grant lets ScopeTrail read; PrimaryOnly is
	// true for calendar.events.readonly alone.
	Access      calendarAccess
	PrimaryOnly bool
	Meetings    []meetingRow
	Links       []linkRow
	// Synced is true once a linked calendar's sync succeeded or failed.
	Synced bool
	// Sync is the sync running now, nil when none is.
	Sync *syncView
	// Recordings is true when recording status is known.
	Recordings bool
}

// meetingPage is what a meeting's page shows.
type meetingPage struct {
	meetingRow
	Zone meetingZone
	// Recordings is true when recording status is known.
	Recordings bool
	// Transcripts are the meeting's timed transcripts.
	Transcripts []transcriptView
}

// meetingsList shows the member's meetings in the sync window, in the time
// zone ?tz= names or that of their primary calendar, with the next step
// when there are none.
func (s *Server) meetingsList(c echo.Context) error {
	ctx := c.Request().Context()
	u, _ := currentUser(c)
	links, err := s.deps.Meetings.Links(ctx, u.ID)
	if err != nil {
		return fmt.Errorf("listing linked calendars: %w", err)
	}
	zone, err := chooseZone(c.QueryParam(zoneField), links, "")
	if err != nil {
		return err
	}
	access, err := s.calendarAccessOf(ctx, u.ID)
	if err != nil {
		return err
	}
	from, to := s.deps.Meetings.Window()
	list, err := s.deps.Meetings.Meetings(ctx, u.ID, from, to)
	if err != nil {
		return fmt.Errorf("listing meetings: %w", err)
	}
	page := meetingsPage{From: from.In(zone.Loc).Format(dayLayout), To: to.In(zone.Loc).Format(dayLayout), Zone: zone,
		Access: access, PrimaryOnly: access == accessPrimaryOnly, Recordings: s.deps.RecordingStatus != nil}
	if page.Meetings, err = s.meetingRows(ctx, u.ID, list, links, zone.Loc, from.Add(calendars.WindowBack)); err != nil {
		return err
	}
	for _, l := range links {
		row := linkRow{Summary: l.Summary, Synced: "not yet", Error: failureText(l.SyncError, l.SyncErrorDetail)}
		if !l.SyncedAt.IsZero() {
			row.Synced = l.SyncedAt.In(zone.Loc).Format(dayLayout + " " + timeLayout + " MST")
		}
		page.Synced = page.Synced || !l.SyncedAt.IsZero() || l.SyncError != ""
		page.Links = append(page.Links, row)
	}
	if page.Sync, err = s.runningSync(ctx, u.ID); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "meetings", page)
}

// runningSync returns the sync of the member's calendars running now, nil
// when none is.
func (s *Server) runningSync(ctx context.Context, userID string) (*syncView, error) {
	p, err := s.deps.Meetings.SyncProgress(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("reading calendar sync progress: %w", err)
	}
	if !p.Running {
		return nil, nil
	}
	v := &syncView{Text: syncText(p)}
	if pct := percentOf(int64(p.Synced), int64(p.Calendars)); pct != nil {
		v.Percent = *pct
	}
	return v, nil
}

// syncText says how far a sync has gone, in words.
func syncText(p calendars.Progress) string {
	if !p.Running {
		return "Sync finished."
	}
	return "Syncing your calendars: " + strconv.Itoa(p.Synced) + " of " + strconv.Itoa(p.Calendars) + " done."
}

// meetingsSyncProgress answers the meetings page's progress poll.
func (s *Server) meetingsSyncProgress(c echo.Context) error {
	u, _ := currentUser(c)
	p, err := s.deps.Meetings.SyncProgress(c.Request().Context(), u.ID)
	if err != nil {
		return fmt.Errorf("reading calendar sync progress: %w", err)
	}
	return writeProgress(c, progressReport{Percent: percentOf(int64(p.Synced), int64(p.Calendars)), Text: syncText(p), Done: !p.Running})
}

// meetingShow shows one meeting with its calendar, attendees, attachments,
// recordings and transcripts, in the time zone ?tz= names or that of its
// calendar.
func (s *Server) meetingShow(c echo.Context) error {
	ctx := c.Request().Context()
	u, _ := currentUser(c)
	m, err := s.deps.Meetings.Meeting(ctx, u.ID, c.Param("id"))
	if err != nil {
		return fmt.Errorf("reading meeting: %w", err)
	}
	links, err := s.deps.Meetings.Links(ctx, u.ID)
	if err != nil {
		return fmt.Errorf("listing linked calendars: %w", err)
	}
	zone, err := chooseZone(c.QueryParam(zoneField), links, m.CalendarID)
	if err != nil {
		return err
	}
	from, _ := s.deps.Meetings.Window()
	rows, err := s.meetingRows(ctx, u.ID, []calendars.Meeting{m}, links, zone.Loc, from.Add(calendars.WindowBack))
	if err != nil {
		return err
	}
	transcripts, err := s.meetingTranscripts(ctx, u.ID, rows[0].Files)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "meetings_meeting", meetingPage{meetingRow: rows[0], Zone: zone,
		Recordings: s.deps.RecordingStatus != nil, Transcripts: transcripts})
}

// syncMeetings queues a sync of the member's calendars; the meetings page,
// in the time zone the form's tz keeps, then follows its progress.
func (s *Server) syncMeetings(c echo.Context) error {
	u, _ := currentUser(c)
	var zone meetingZone
	if name := c.FormValue(zoneField); name != "" {
		loc, err := parseZone(name)
		if err != nil {
			return err
		}
		zone = meetingZone{Loc: loc, Asked: true}
	}
	if err := s.deps.CalendarSyncs.EnqueueCalendarSync(c.Request().Context(), u.ID); err != nil {
		return fmt.Errorf("queueing calendar sync: %w", err)
	}
	setFlash(c, "ok", "A sync of your calendars is queued.")
	return c.Redirect(http.StatusSeeOther, "/meetings"+zone.Param())
}

// meetingRows dresses meetings for the pages, in zone loc, naming their
// calendars from links, with their recordings and transcripts when
// RecordingStatus is wired. now decides which are past.
func (s *Server) meetingRows(ctx context.Context, userID string, list []calendars.Meeting, links []calendars.Link,
	loc *time.Location, now time.Time) ([]meetingRow, error) {
	var files map[string][]recordings.Recording
	if s.deps.RecordingStatus != nil && len(list) > 0 {
		ids := make([]string, len(list))
		for i, m := range list {
			ids[i] = m.ID
		}
		var err error
		if files, err = s.deps.RecordingStatus.ForMeetings(ctx, userID, ids); err != nil {
			return nil, fmt.Errorf("reading recording status: %w", err)
		}
	}
	names := make(map[string]string, len(links))
	for _, l := range links {
		names[l.ID] = l.Summary
	}
	rows := make([]meetingRow, len(list))
	for i, m := range list {
		rows[i] = meetingRow{Meeting: m, When: when(m, loc), Calendar: names[m.CalendarID], Past: !m.End.After(now)}
		for _, a := range m.Attendees {
			if len(rows[i].Guests) == listedGuests {
				rows[i].MoreGuests++
				continue
			}
			rows[i].Guests = append(rows[i].Guests, cmp.Or(a.DisplayName, a.Email))
		}
		for _, f := range files[m.ID] {
			row := fileRow{FileID: f.FileID, Kind: string(f.Kind), Name: f.Name,
				State: stateWords[f.State], Reason: failureText(f.Reason, f.ReasonDetail), Failed: f.State == recordings.StateFailed}
			rows[i].Files = append(rows[i].Files, row)
		}
	}
	return rows, nil
}

// when says when a meeting happens: its day and times in loc, with the
// zone's abbreviation, or its days for an all-day meeting (whose dates
// hold in every zone, and whose end date is exclusive).
func when(m calendars.Meeting, loc *time.Location) string {
	if m.AllDay {
		start, last := m.Start.UTC(), m.End.UTC().AddDate(0, 0, -1)
		if !last.After(start) {
			return start.Format(dayLayout) + ", all day"
		}
		return start.Format(dayLayout) + " – " + last.Format(dayLayout) + ", all day"
	}
	start, end := m.Start.In(loc), m.End.In(loc)
	if start.YearDay() == end.YearDay() && start.Year() == end.Year() {
		return start.Format(dayLayout+", "+timeLayout) + "–" + end.Format(timeLayout+" MST")
	}
	return start.Format(dayLayout+", "+timeLayout) + " – " + end.Format(dayLayout+", "+timeLayout+" MST")
}
