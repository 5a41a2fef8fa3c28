package web

import (
	"context"
	"fmt"
	"net/http"
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
}

// Layouts of the times the meetings pages show, all in UTC.
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
	// When says when it happens, in words.
	When string
	// Past is true once it ended.
	Past  bool
	Files []fileRow
}

// linkRow is a linked calendar and how its last sync went.
type linkRow struct {
	Summary, Synced, Error string
}

// meetingsPage is what the meetings page shows.
type meetingsPage struct {
	From, To string
	Meetings []meetingRow
	Links    []linkRow
	// Queued is true right after a sync was queued.
	Queued bool
	// Recordings is true when recording status is known.
	Recordings bool
}

// meetingPage is what a meeting's page shows.
type meetingPage struct {
	meetingRow
	// Recordings is true when recording status is known.
	Recordings bool
	// Transcripts are the meeting's timed transcripts.
	Transcripts []transcriptView
}

// meetingsList shows the member's meetings in the sync window.
func (s *Server) meetingsList(c echo.Context) error {
	ctx := c.Request().Context()
	u, _ := currentUser(c)
	from, to := s.deps.Meetings.Window()
	list, err := s.deps.Meetings.Meetings(ctx, u.ID, from, to)
	if err != nil {
		return fmt.Errorf("listing meetings: %w", err)
	}
	links, err := s.deps.Meetings.Links(ctx, u.ID)
	if err != nil {
		return fmt.Errorf("listing linked calendars: %w", err)
	}
	page := meetingsPage{From: from.Format(dayLayout), To: to.Format(dayLayout), Queued: c.QueryParam("sync") == "queued",
		Recordings: s.deps.RecordingStatus != nil}
	if page.Meetings, err = s.meetingRows(ctx, u.ID, list, from.Add(calendars.WindowBack)); err != nil {
		return err
	}
	for _, l := range links {
		row := linkRow{Summary: l.Summary, Synced: "not yet", Error: failureText(l.SyncError, l.SyncErrorDetail)}
		if !l.SyncedAt.IsZero() {
			row.Synced = l.SyncedAt.Format(dayLayout + " " + timeLayout + " UTC")
		}
		page.Links = append(page.Links, row)
	}
	return s.render(c, http.StatusOK, "meetings", page)
}

// meetingShow shows one meeting with its attendees, attachments,
// recordings and transcripts.
func (s *Server) meetingShow(c echo.Context) error {
	ctx := c.Request().Context()
	u, _ := currentUser(c)
	m, err := s.deps.Meetings.Meeting(ctx, u.ID, c.Param("id"))
	if err != nil {
		return fmt.Errorf("reading meeting: %w", err)
	}
	from, _ := s.deps.Meetings.Window()
	rows, err := s.meetingRows(ctx, u.ID, []calendars.Meeting{m}, from.Add(calendars.WindowBack))
	if err != nil {
		return err
	}
	transcripts, err := s.meetingTranscripts(ctx, u.ID, rows[0].Files)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "meetings_meeting", meetingPage{meetingRow: rows[0], Recordings: s.deps.RecordingStatus != nil,
		Transcripts: transcripts})
}

// syncMeetings queues a sync of the member's calendars.
func (s *Server) syncMeetings(c echo.Context) error {
	u, _ := currentUser(c)
	if err := s.deps.CalendarSyncs.EnqueueCalendarSync(c.Request().Context(), u.ID); err != nil {
		return fmt.Errorf("queueing calendar sync: %w", err)
	}
	return c.Redirect(http.StatusSeeOther, "/meetings?sync=queued")
}

// meetingRows dresses meetings for the pages, with their recordings and
// transcripts when RecordingStatus is wired. now decides which are past.
func (s *Server) meetingRows(ctx context.Context, userID string, list []calendars.Meeting, now time.Time) ([]meetingRow, error) {
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
	rows := make([]meetingRow, len(list))
	for i, m := range list {
		rows[i] = meetingRow{Meeting: m, When: when(m), Past: !m.End.After(now)}
		for _, f := range files[m.ID] {
			row := fileRow{FileID: f.FileID, Kind: string(f.Kind), Name: f.Name,
				State: stateWords[f.State], Reason: failureText(f.Reason, f.ReasonDetail), Failed: f.State == recordings.StateFailed}
			rows[i].Files = append(rows[i].Files, row)
		}
	}
	return rows, nil
}

// when says when a meeting happens: its day and times in UTC, or its days
// for an all-day meeting (whose end date is exclusive).
func when(m calendars.Meeting) string {
	if m.AllDay {
		last := m.End.AddDate(0, 0, -1)
		if !last.After(m.Start) {
			return m.Start.Format(dayLayout) + ", all day"
		}
		return m.Start.Format(dayLayout) + " – " + last.Format(dayLayout) + ", all day"
	}
	if m.Start.YearDay() == m.End.YearDay() && m.Start.Year() == m.End.Year() {
		return m.Start.Format(dayLayout+", "+timeLayout) + "–" + m.End.Format(timeLayout) + " UTC"
	}
	return m.Start.Format(dayLayout+", "+timeLayout) + " – " + m.End.Format(dayLayout+", "+timeLayout) + " UTC"
}
