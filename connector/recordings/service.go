package recordings

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"google.golang.org/api/drive/v3"
	"google.golang.org/api/option"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/retry"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// Door gives the HTTP client that acts for a user through the audited door;
// *googlehttp.Door is one.
type Door interface {
	Client(userID string) *http.Client
}

// Options configure a Service.
type Options struct {
	// DB holds the recordings table; Door reaches Drive at DriveURL
	// (Google's when empty); SpoolDir receives the downloads. Required,
	// except DriveURL.
	DB       *sqldb.DB
	Door     Door
	DriveURL string
	SpoolDir string
	// Meetings lists the member's meetings, to read their attachments and
	// to match files; nil finds files in the Drive folder only, unmatched.
	Meetings Meetings
	// Transcriber transcribes queued recordings; nil means the Meet engine,
	// which takes Meet's own transcript of the meeting, followed by Engine
	// when it is set.
	Transcriber Transcriber
	// Engine, when set and Transcriber is nil, transcribes the recordings
	// that have no Meet transcript. Each transcription is audited on Audit
	// (required with Engine), and audio is sent only to a host AllowedHost
	// accepts (nil accepts none but "local").
	Engine      Engine
	Audit       Auditor
	AllowedHost func(host string) bool
	// Retry is the policy for each request; the zero value means
	// retry.Default.
	Retry retry.Policy
	// Enqueue, when set, schedules the next step of a file (see Process)
	// in the background, as a durable job, and says whether it queued one
	// or an equal job already waits or runs; Sync and Retry call it.
	// Without it, they do the step at once.
	Enqueue func(ctx context.Context, rec Recording) (Queued, error)
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Service finds, downloads and transcribes Meet recordings. It is safe for
// concurrent use.
type Service struct {
	o     Options
	store *store
	trans Transcriber
}

// New returns a Service.
func New(o Options) (*Service, error) {
	if o.DB == nil || o.Door == nil || o.SpoolDir == "" {
		return nil, errors.New("recordings.New: DB, Door and SpoolDir are required")
	}
	if o.Engine != nil && o.Audit == nil {
		return nil, errors.New("recordings.New: an Engine needs an Audit trail")
	}
	if o.DriveURL == "" {
		o.DriveURL = scopes.DefaultBaseURL("drive")
	}
	if o.Retry.MaxAttempts == 0 {
		o.Retry = retry.Default
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if err := os.MkdirAll(o.SpoolDir, 0o700); err != nil {
		return nil, fmt.Errorf("recordings.New: creating the spool directory: %w", err)
	}
	s := &Service{o: o, store: &store{db: o.DB, now: o.Now}}
	s.trans = o.Transcriber
	if s.trans == nil {
		s.trans = meetEngine{s}
	}
	if o.Transcriber == nil && o.Engine != nil {
		allowed := func(host string) bool { return host == "local" || o.AllowedHost != nil && o.AllowedHost(host) }
		s.trans = &engineTranscriber{meet: meetEngine{s}, engine: o.Engine, audit: o.Audit, allowed: allowed}
	}
	return s, nil
}

// drive returns a Drive client acting for a user through the door, and the
// context that declares the requests' purpose.
func (s *Service) drive(ctx context.Context, userID string) (context.Context, *drive.Service, error) {
	ctx = googlehttp.WithPurpose(ctx, scopes.PurposeRecordings)
	svc, err := drive.NewService(ctx, option.WithEndpoint(s.o.DriveURL), option.WithHTTPClient(s.o.Door.Client(userID)))
	if err != nil {
		return nil, nil, fmt.Errorf("drive.NewService: %w", err)
	}
	return ctx, svc, nil
}

// Recording returns one of a member's files, or an error wrapping
// ErrNotFound.
func (s *Service) Recording(ctx context.Context, userID, fileID string) (Recording, error) {
	r, err := s.store.get(ctx, userID, fileID)
	if err != nil {
		return Recording{}, err
	}
	return s.withPath(r), nil
}

// Transcript returns the transcript text of a file: its own, or that of
// the Meet transcript it comes from. It is "" before transcription.
func (s *Service) Transcript(ctx context.Context, userID, fileID string) (string, error) {
	r, err := s.store.get(ctx, userID, fileID)
	if err != nil {
		return "", err
	}
	if r.TranscriptFrom != "" {
		fileID = r.TranscriptFrom
	}
	return s.store.transcript(ctx, userID, fileID)
}

// List returns every file of a member, oldest first.
func (s *Service) List(ctx context.Context, userID string) ([]Recording, error) {
	list, err := s.store.list(ctx, userID, "")
	for i := range list {
		list[i] = s.withPath(list[i])
	}
	return list, err
}

// ForMeetings returns the files matched to the given meetings, by meeting
// id, for the meetings page.
func (s *Service) ForMeetings(ctx context.Context, userID string, meetingIDs []string) (map[string][]Recording, error) {
	rows, err := s.store.byMeetings(ctx, userID, meetingIDs)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]Recording, len(rows))
	for _, r := range rows {
		out[r.MeetingID] = append(out[r.MeetingID], s.withPath(r))
	}
	return out, nil
}

// Pending returns the files whose next step is due: recordings to download
// or transcribe and transcripts to import. Failed files wait for Retry.
func (s *Service) Pending(ctx context.Context, userID string) ([]Recording, error) {
	return s.store.list(ctx, userID, `state IN (?, ?) OR kind = ? AND state = ?`,
		StateFound, StateDownloading, KindRecording, StateQueued)
}

// Process does the next step of a file: download a recording, transcribe
// a queued one, import a transcript. It does nothing for a file that is
// done or failed.
func (s *Service) Process(ctx context.Context, userID, fileID string) error {
	r, err := s.store.get(ctx, userID, fileID)
	if err != nil {
		return err
	}
	switch {
	case r.Kind == KindTranscript && r.State == StateFound:
		return s.ImportTranscript(ctx, userID, fileID)
	case r.Kind == KindRecording && (r.State == StateFound || r.State == StateDownloading):
		if err := s.Download(ctx, userID, fileID); err != nil {
			return err
		}
		return s.Transcribe(ctx, userID, fileID)
	case r.Kind == KindRecording && (r.State == StateDownloaded || r.State == StateQueued):
		return s.Transcribe(ctx, userID, fileID)
	}
	return nil
}

// Sync discovers a member's files, then schedules the next step of each
// pending one with Options.Enqueue, or without it does them in turn. It
// returns the first error after trying every file.
func (s *Service) Sync(ctx context.Context, userID string) error {
	if _, err := s.Discover(ctx, userID); err != nil {
		return err
	}
	pending, err := s.Pending(ctx, userID)
	if err != nil {
		return err
	}
	var first error
	for _, r := range pending {
		if _, err := s.next(ctx, r); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// next schedules the next step of a file, or does it.
func (s *Service) next(ctx context.Context, r Recording) (Queued, error) {
	if s.o.Enqueue != nil {
		return s.o.Enqueue(ctx, r)
	}
	return Queued{Status: QueuedNow}, s.Process(ctx, r.UserID, r.FileID)
}

// Retry starts a failed or waiting file over (a recording keeps the bytes
// already spooled) and schedules its next step with Options.Enqueue, or
// does it at once without. It says whether a job was queued, or which job
// of the file already waits or runs, and since when: a download that runs
// on another replica, or one whose replica died and that is about to be
// taken up again.
func (s *Service) Retry(ctx context.Context, userID, fileID string) (Queued, error) {
	r, err := s.store.get(ctx, userID, fileID)
	if err != nil {
		return Queued{}, err
	}
	if r.State == StateFailed {
		if err := s.store.setState(ctx, userID, fileID, StateFound, "", r.Done); err != nil {
			return Queued{}, err
		}
	}
	return s.next(ctx, r)
}

// PurgeName names the recordings and transcripts in revocation reports and audit
// entries, as revoke.Purger asks.
func (s *Service) PurgeName() string { return "recordings" }

// Purge deletes every row and spooled file of a member and returns the
// number of rows removed.
func (s *Service) Purge(ctx context.Context, userID string) (int64, error) {
	if err := os.RemoveAll(s.userDir(userID)); err != nil {
		return 0, fmt.Errorf("purging the spool of %s: %w", userID, err)
	}
	return s.store.purge(ctx, userID)
}
