package recordings_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/calendars"
	"github.com/scopetrail/scopetrail/connector/connectortest"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/connector/recordings"
	"github.com/scopetrail/scopetrail/connector/retry"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// fastRetry retries without waiting, so that fault tests stay fast.
var fastRetry = retry.Policy{MaxAttempts: 8, Base: time.Millisecond, Max: 5 * time.Millisecond}

// wsMeetings serves a person's meetings from the fake's workspace, as the
// calendars store would after a sync of their primary calendar.
type wsMeetings struct {
	ws    *workspace.Workspace
	email string
	// noAttachments drops the attachments, so that files are matched by
	// their names alone.
	noAttachments bool
}

var _ recordings.Meetings = (*wsMeetings)(nil)

func (m *wsMeetings) Meetings(_ context.Context, _ string, from, to time.Time) ([]calendars.Meeting, error) {
	var out []calendars.Meeting
	for _, e := range m.ws.Events(m.email) {
		if e.Status == workspace.StatusCancelled || e.Recurrence != nil || !e.End.After(from) || !e.Start.Before(to) {
			continue
		}
		mt := calendars.Meeting{ID: meetingID(e.ID), CalendarID: calendars.PrimaryID, EventID: e.ID, Title: e.Summary,
			Start: e.Start, End: e.End, AllDay: e.AllDay, MeetCode: e.MeetCode, Organizer: e.Organizer, Status: e.Status}
		if !m.noAttachments {
			for _, a := range e.Attachments {
				mt.Attachments = append(mt.Attachments, calendars.Attachment{FileID: a.FileID, Title: a.Title, MimeType: a.MimeType, FileURL: a.FileURL})
			}
		}
		out = append(out, mt)
	}
	return out, nil
}

// meetingID is the meeting id the test's calendars give an event.
func meetingID(eventID string) string { return "m-" + eventID }

// harness is a fake Google with a generated workspace, a door to it, and
// one member who organised meetings with recordings and transcripts.
type harness struct {
	*connectortest.Env
	t      testing.TB
	email  string
	userID string
	sent   *sentLog
}

// sentLog records the URLs of the requests that left the door.
type sentLog struct {
	mu   sync.Mutex
	urls []*url.URL
}

// RoundTrip records the URL and sends the request.
func (l *sentLog) RoundTrip(r *http.Request) (*http.Response, error) {
	l.mu.Lock()
	l.urls = append(l.urls, r.URL)
	l.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

// take returns the URLs sent since the last call.
func (l *sentLog) take() []*url.URL {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.urls
	l.urls = nil
	return out
}

// options size the harness's workspace.
type options struct {
	recordingSize int64
	seed          uint64
	// meetings is the number of meetings each person organises, 8 when 0.
	meetings int
	// ws, when set, replaces the generated workspace.
	ws *workspace.Workspace
	// db, when set, replaces the fresh SQLite database; its trail then makes
	// no checkpoints.
	db *sqldb.DB
}

// newHarness starts the fake and signs the member in with drive.readonly.
func newHarness(t testing.TB, o options) *harness {
	t.Helper()
	if o.recordingSize == 0 {
		o.recordingSize = 300 << 10
	}
	if o.meetings == 0 {
		o.meetings = 8
	}
	h := &harness{t: t, sent: &sentLog{}}
	eo := connectortest.Options{Workspace: o.ws, FaultSeed: o.seed, DB: o.db,
		Generate: workspace.GenerateOptions{Seed: 5, People: 6, CalendarsPerPerson: 1, MeetingsPerCalendar: o.meetings,
			MeetShare: 1, RecordingShare: 0.8, TranscriptShare: 0.8, RecordingSize: o.recordingSize},
		Door: func(d *googlehttp.Options) { d.Base = h.sent }}
	if o.db != nil {
		eo.Trail.CheckpointEvery = -1
	}
	h.Env = connectortest.New(t, eo)
	h.email = busiestOrganizer(h.Workspace)
	h.userID = h.Authorize(t, h.email, scopes.OpenID, scopes.Email, scopes.DriveReadonly)
	h.Fake.ResetRequests()
	h.sent.take()
	return h
}

// service returns a Service for the harness with its own spool and, when
// db is nil, the harness's database.
func (h *harness) service(edit func(*recordings.Options)) *recordings.Service {
	h.t.Helper()
	o := recordings.Options{DB: h.DB, Door: h.Door, DriveURL: h.URLs.DriveBase, SpoolDir: h.t.TempDir(),
		Meetings: &wsMeetings{ws: h.Workspace, email: h.email}, Retry: fastRetry}
	if edit != nil {
		edit(&o)
	}
	s, err := recordings.New(o)
	if err != nil {
		h.t.Fatalf("recordings.New: %v", err)
	}
	return s
}

// meetFiles returns the Meet files the member can see, by id.
func (h *harness) meetFiles() map[string]*workspace.File {
	out := map[string]*workspace.File{}
	for _, f := range h.Workspace.FilesFor(h.email) {
		if f.CreatedByMeet && !f.Trashed && !f.Deleted {
			out[f.ID] = f
		}
	}
	return out
}

// methods returns the Google method ids of the API requests the fake
// served, in order.
func (h *harness) methods() []string {
	var out []string
	for _, r := range h.Fake.Requests() {
		if !strings.HasPrefix(r.MethodID, "oauth.") {
			out = append(out, r.MethodID)
		}
	}
	return out
}

// busiestOrganizer returns the email of the person who owns the most Meet
// files, so that the folder and the attachments both have work.
func busiestOrganizer(ws *workspace.Workspace) string {
	count := map[string]int{}
	for _, f := range ws.Files() {
		if f.CreatedByMeet {
			count[f.Owner]++
		}
	}
	var emails []string
	for e := range count {
		emails = append(emails, e)
	}
	slices.Sort(emails)
	best := ""
	for _, e := range emails {
		if best == "" || count[e] > count[best] {
			best = e
		}
	}
	return best
}

// eachDB runs fn, in parallel, on a fresh migrated database of each kind:
// SQLite, and PostgreSQL when TEST_POSTGRES_URL is set.
func eachDB(t *testing.T, fn func(t *testing.T, db *sqldb.DB)) {
	t.Helper()
	sqldbtest.EachURL(t, func(t *testing.T, url string) {
		t.Parallel()
		fn(t, sqldbtest.Migrated(t, url))
	})
}
