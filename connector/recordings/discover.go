package recordings

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"google.golang.org/api/drive/v3"
	"google.golang.org/api/googleapi"

	"github.com/scopetrail/scopetrail/connector/calendars"
	"github.com/scopetrail/scopetrail/connector/retry"
)

// Drive MIME types of Meet files.
const (
	mimeMP4    = "video/mp4"
	mimeDoc    = "application/vnd.google-apps.document"
	mimeFolder = "application/vnd.google-apps.folder"
)

// Drive queries and field masks: only what is stored.
const (
	folderName   = "Meet Recordings"
	folderQuery  = "name = '" + folderName + "' and mimeType = '" + mimeFolder + "' and 'me' in owners and trashed = false"
	folderFields = "nextPageToken,files(id)"
	fileFields   = "id,name,mimeType,size,md5Checksum,createdTime,modifiedTime"
	listFields   = "nextPageToken,files(" + fileFields + ")"
	pageSize     = 1000
)

// lookBack is how far back discovery reads the member's meetings: Meet
// files come after the meeting, and calendars keeps 30 days.
const lookBack = calendars.WindowBack

// Found says what a discovery saw.
type Found struct {
	// Files counts the Meet files found; Matched those matched to a
	// meeting; Requests the Drive requests sent, retries included.
	Files, Matched, Requests int
}

// Discover finds a member's Meet recordings and transcripts, in their
// "Meet Recordings" folder and attached to their meetings, matches each to
// its meeting and stores it. Known files keep their state unless their
// content changed in Drive.
func (s *Service) Discover(ctx context.Context, userID string) (Found, error) {
	var found Found
	var meetings []calendars.Meeting
	if s.o.Meetings != nil {
		now := s.o.Now()
		var err error
		if meetings, err = s.o.Meetings.Meetings(ctx, userID, now.Add(-lookBack), now); err != nil {
			return found, fmt.Errorf("listing meetings of %s: %w", userID, err)
		}
	}
	ctx, svc, err := s.drive(ctx, userID)
	if err != nil {
		return found, err
	}
	d := &discovery{s: s, svc: svc, files: map[string]*drive.File{}}
	if err := d.folders(ctx); err != nil {
		return found, err
	}
	if err := d.attachments(ctx, meetings); err != nil {
		return found, err
	}
	m := newMatcher(meetings)
	for _, id := range d.order {
		r, ok := toRecording(userID, d.files[id])
		if !ok {
			continue
		}
		if mt, ok := m.match(r); ok {
			r.MeetingID, r.MeetCode = mt.ID, mt.MeetCode
			found.Matched++
		}
		found.Files++
		changed, err := s.store.upsert(ctx, r)
		if err != nil {
			return found, err
		}
		if changed {
			path := s.spoolPath(userID, r.FileID)
			if err := remove(path, path+".part"); err != nil {
				return found, fmt.Errorf("dropping the stale copy of %s: %w", r.FileID, err)
			}
		}
	}
	found.Requests = d.requests
	return found, nil
}

// discovery is one run of Discover.
type discovery struct {
	s        *Service
	svc      *drive.Service
	files    map[string]*drive.File
	order    []string // file ids in the order found
	requests int
}

// add keeps a file found, once.
func (d *discovery) add(f *drive.File) {
	if _, dup := d.files[f.Id]; !dup {
		d.files[f.Id] = f
		d.order = append(d.order, f.Id)
	}
}

// do runs one request under the retry policy, counting its attempts.
func (d *discovery) do(ctx context.Context, fn func(ctx context.Context) error) error {
	return retry.Do(ctx, d.s.o.Retry, func(ctx context.Context) error {
		d.requests++
		return fn(ctx)
	})
}

// list runs a files.list query to its last page, one retried request per
// page, and passes each file to fn.
func (d *discovery) list(ctx context.Context, q, fields string, fn func(*drive.File)) error {
	token := ""
	for {
		var page *drive.FileList
		err := d.do(ctx, func(ctx context.Context) error {
			var err error
			page, err = d.svc.Files.List().Q(q).Fields(googleapi.Field(fields)).PageSize(pageSize).
				PageToken(token).Context(ctx).Do()
			return err
		})
		if err != nil {
			return fmt.Errorf("drive files.list: %w", err)
		}
		for _, f := range page.Files {
			fn(f)
		}
		if token = page.NextPageToken; token == "" {
			return nil
		}
	}
}

// folders lists the member's "Meet Recordings" folders, then the
// recordings and documents in each.
func (d *discovery) folders(ctx context.Context) error {
	var ids []string
	if err := d.list(ctx, folderQuery, folderFields, func(f *drive.File) { ids = append(ids, f.Id) }); err != nil {
		return err
	}
	for _, id := range ids {
		q := "'" + quote(id) + "' in parents and trashed = false and (mimeType = '" + mimeMP4 + "' or mimeType = '" + mimeDoc + "')"
		if err := d.list(ctx, q, listFields, d.add); err != nil {
			return err
		}
	}
	return nil
}

// attachments reads the metadata of the Meet files attached to meetings
// that the folder did not list: those the organizer shared with the member.
// A file the member can no longer see is skipped.
func (d *discovery) attachments(ctx context.Context, meetings []calendars.Meeting) error {
	for _, m := range meetings {
		for _, a := range m.Attachments {
			if _, seen := d.files[a.FileID]; seen || kindOf(a.MimeType, a.Title) == "" {
				continue
			}
			var f *drive.File
			err := d.do(ctx, func(ctx context.Context) error {
				var err error
				f, err = d.svc.Files.Get(a.FileID).Fields(fileFields).Context(ctx).Do()
				return err
			})
			var gerr *googleapi.Error
			switch {
			case errors.As(err, &gerr) && gerr.Code == http.StatusNotFound:
				continue
			case err != nil:
				return fmt.Errorf("drive files.get %s: %w", a.FileID, err)
			}
			d.add(f)
		}
	}
	return nil
}

// kindOf tells a Meet recording or transcript by its MIME type and name;
// "" for anything else, such as Gemini's notes.
func kindOf(mime, name string) Kind {
	switch {
	case mime == mimeMP4:
		return KindRecording
	case mime == mimeDoc && strings.Contains(name, "Transcript"):
		return KindTranscript
	}
	return ""
}

// toRecording turns Drive's metadata into a row; ok is false for a file
// that is not a Meet recording or transcript.
func toRecording(userID string, f *drive.File) (Recording, bool) {
	k := kindOf(f.MimeType, f.Name)
	if k == "" {
		return Recording{}, false
	}
	return Recording{
		UserID: userID, FileID: f.Id, Kind: k, Name: f.Name, MimeType: f.MimeType, Size: f.Size, MD5: f.Md5Checksum,
		Created: parseTime(f.CreatedTime), Modified: parseTime(f.ModifiedTime),
	}, true
}

// parseTime reads an RFC 3339 time from Drive; the zero time when absent.
func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t.UTC()
}

// quote escapes a value for a single-quoted Drive query string.
func quote(s string) string {
	return strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s)
}
