package workspace

import (
	"fmt"
	"io/fs"
	"strings"
	"time"
)

// googleApps prefixes the MIME types of Google Docs, Sheets, folders, etc.,
// which have no downloadable content.
const googleApps = "application/vnd.google-apps."

// files parses the files, in document order; parents and events are
// checked by link.
func (l *loader) files(docs []fileDoc) []*File {
	var out []*File
	files := make(map[string]*File, len(docs))
	for i, d := range docs {
		item := fmt.Sprintf("files[%d] %q", i, d.ID)
		switch {
		case d.ID == "":
			l.errorf(item, "id is required")
			continue
		case files[d.ID] != nil:
			l.errorf(item, "id is used by an earlier file")
			continue
		case d.Name == "" || d.MimeType == "":
			l.errorf(item, "name and mimeType are required")
			continue
		}
		owner, ok := l.w.Person(d.Owner)
		if !ok {
			l.errorf(item, "owner %q is not a person of the directory", d.Owner)
			continue
		}
		f := &File{
			ID: d.ID, Name: d.Name, MimeType: d.MimeType, Parents: d.Parents, Owner: owner.Email,
			SharedWith: d.SharedWith, Trashed: d.Trashed, Deleted: d.Deleted,
			CreatedByMeet: d.CreatedByMeet, MeetCode: d.MeetCode, EventID: d.EventID,
		}
		for i, email := range f.SharedWith {
			if !validEmail(email) {
				l.errorf(item, "sharedWith %q is not an email address", email)
			}
			f.SharedWith[i] = l.canonical(email)
		}
		var err error
		if f.CreatedTime, err = parseTime(d.CreatedTime, time.Time{}); err != nil || f.CreatedTime.IsZero() {
			l.errorf(item, "createdTime %q is not an RFC 3339 time", d.CreatedTime)
		}
		if f.ModifiedTime, err = parseTime(d.ModifiedTime, f.CreatedTime); err != nil {
			l.errorf(item, "modifiedTime: %v", err)
		}
		l.contents(item, d, f)
		if f.CreatedByMeet && len(f.Parents) == 0 {
			f.Parents = []string{MeetRecordingsFolderID(f.Owner)}
		}
		files[f.ID] = f
		out = append(out, f)
	}
	return out
}

// contents sets the body and export text of f from d, checking that they
// suit its MIME type.
func (l *loader) contents(item string, d fileDoc, f *File) {
	native := strings.HasPrefix(f.MimeType, googleApps)
	switch {
	case native && d.Content != nil:
		l.errorf(item, "a %s has no content; give a Google Doc exportText instead", f.MimeType)
	case !native && d.Content == nil:
		l.errorf(item, "content is required for a %s file", f.MimeType)
	case !native:
		b, err := l.body(d.Content, f.ID, false)
		if err != nil {
			l.errorf(item, "content: %v", err)
			return
		}
		f.Body, f.Size = b, b.Size()
	}
	switch {
	case d.ExportText == nil:
	case !native || f.MimeType == MimeFolder:
		l.errorf(item, "only Google Docs have exportText, not a %s", f.MimeType)
	default:
		b, err := l.body(d.ExportText, f.ID, true)
		if err != nil {
			l.errorf(item, "exportText: %v", err)
			return
		}
		f.ExportText = b
	}
}

// body builds the body described by c; key seeds generated content.
func (l *loader) body(c *contentDoc, key string, text bool) (Body, error) {
	set := 0
	for _, ok := range []bool{c.Generated != nil, c.GeneratedText != nil, c.Path != "", c.Text != nil} {
		if ok {
			set++
		}
	}
	if set != 1 {
		return nil, fmt.Errorf("give exactly one of generated, generatedText, path or text")
	}
	switch {
	case c.Generated != nil:
		if c.Generated.Size < 0 {
			return nil, fmt.Errorf("generated size %d is negative", c.Generated.Size)
		}
		return GeneratedBody(key, c.Generated.Size), nil
	case c.GeneratedText != nil:
		if !text {
			return nil, fmt.Errorf("generatedText is only for exportText; use generated or text")
		}
		if c.GeneratedText.Size < 0 {
			return nil, fmt.Errorf("generatedText size %d is negative", c.GeneratedText.Size)
		}
		return TranscriptBody(key, c.GeneratedText.Size, c.GeneratedText.Speakers), nil
	case c.Text != nil:
		return BytesBody([]byte(*c.Text)), nil
	}
	if !fs.ValidPath(c.Path) {
		return nil, fmt.Errorf("path %q must be slash-separated and relative to the workspace file, without \"..\"", c.Path)
	}
	info, err := fs.Stat(l.fsys, c.Path)
	switch {
	case err != nil:
		return nil, err
	case !info.Mode().IsRegular():
		return nil, fmt.Errorf("path %q is not a regular file", c.Path)
	case info.Size() > maxPathContent:
		return nil, fmt.Errorf("path %q is %d bytes, more than %d; use generated content", c.Path, info.Size(), maxPathContent)
	}
	b, err := fs.ReadFile(l.fsys, c.Path)
	if err != nil {
		return nil, err
	}
	return BytesBody(b), nil
}

// link checks the references of files to folders and events, adds the
// missing "Meet Recordings" folders, and stores the files.
func (l *loader) link(files []*File, events map[string]bool) {
	byID := make(map[string]*File, len(files))
	for _, f := range files {
		byID[f.ID] = f
	}
	var folders []*File
	auto := make(map[string]bool)
	for _, f := range files {
		item := fmt.Sprintf("file %q", f.ID)
		for _, p := range f.Parents {
			parent, ok := byID[p]
			if !ok && p == MeetRecordingsFolderID(f.Owner) {
				parent, ok = &File{ID: p, Name: MeetRecordingsFolder, MimeType: MimeFolder, Owner: f.Owner, CreatedTime: f.CreatedTime}, true
				byID[p], auto[p] = parent, true
				folders = append(folders, parent)
			}
			switch {
			case !ok:
				l.errorf(item, "parent %q is not a file of the workspace", p)
			case parent.MimeType != MimeFolder:
				l.errorf(item, "parent %q is not a folder", p)
			case auto[p] && f.CreatedTime.Before(parent.CreatedTime):
				parent.CreatedTime = f.CreatedTime
			}
		}
		if f.EventID != "" && !events[f.EventID] {
			l.errorf(item, "eventId %q is not an event of the workspace", f.EventID)
		}
	}
	for _, folder := range folders {
		folder.CreatedTime = folder.CreatedTime.Add(-time.Minute)
		folder.ModifiedTime = folder.CreatedTime
	}
	for _, f := range append(folders, files...) {
		f.Seq = l.seq()
		l.w.insertFile(f)
	}
}

// parseTime parses an RFC 3339 time; "" gives def.
func parseTime(s string, def time.Time) (time.Time, error) {
	if s == "" {
		return def, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time", s)
	}
	return t, nil
}
