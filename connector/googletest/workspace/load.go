package workspace

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// maxDocument bounds the size of a JSON workspace.
const maxDocument = 64 << 20

// maxPathContent bounds the size of a file read for "path" content, which
// is held in memory; use "generated" content for large bodies.
const maxPathContent = 64 << 20

// Load reads a hand-written workspace in JSON. Content "path"s are resolved
// against the current directory. The format is one object:
//
//	{
//	  "domain": "acme.test",                    // required
//	  "customerId": "C01acme",                  // optional, derived from the domain
//	  "people": [{"id", "email", "givenName", "familyName", "displayName",
//	              "photoUrl", "title", "department", "phone", "deleted"}],
//	  "calendars": [{"id", "owner", "summary", "description", "timeZone",
//	                 "primary", "readers": ["email", ...]}],
//	  "events": [{"id", "calendarId", "summary", "description", "location",
//	              "status", "start", "end", "allDay", "startDate", "endDate",
//	              "timeZone", "recurrence": ["RRULE:..."], "recurringEventId",
//	              "originalStart", "organizer", "meetCode", "created", "updated",
//	              "attendees": [{"email", "displayName", "responseStatus", "organizer"}],
//	              "attachments": [{"fileId", "title", "mimeType", "fileUrl"}]}],
//	  "files": [{"id", "name", "mimeType", "parents", "owner", "sharedWith",
//	             "trashed", "deleted", "createdTime", "modifiedTime",
//	             "createdByMeet", "meetCode", "eventId", "content", "exportText"}]
//	}
//
// Times are RFC 3339 ("2026-11-20T15:00:00Z"), dates "2006-01-02". Unknown
// fields are errors, and every problem is reported with the item it belongs
// to. Defaults and derived data:
//
//   - A person's id defaults to one derived from the email, displayName to
//     "givenName familyName".
//   - Every person who is not deleted gets a primary calendar (id = email,
//     time zone UTC) unless one is listed. A primary calendar's id is its
//     owner's email; readers must be people of the directory.
//   - An event's status defaults to "confirmed", organizer to the calendar
//     owner, timeZone to the calendar's, created to a week before the start
//     and updated to created. Timed events need start and end; all-day
//     events need startDate and endDate (exclusive). An exception of a
//     recurring event names its master in recurringEventId.
//   - Events are copied onto the primary calendar of each attendee of the
//     directory, as Google does, unless that calendar lists the event itself.
//   - An attachment needs only fileId; the rest is taken from the file.
//   - A file's content is one of {"generated": {"size": N}} (pseudo-random
//     bytes, never held in memory), {"path": "media/demo.mp4"} (relative to
//     the JSON file, read into memory, at most 64 MiB) or {"text": "..."}.
//     Google Docs have no content but may have exportText, which also
//     accepts {"generatedText": {"size": N, "speakers": ["Ada"]}}: transcript
//     lines generated on demand. Folders have neither.
//   - modifiedTime defaults to createdTime. A createdByMeet file without
//     parents goes into its owner's "Meet Recordings" folder, which is created
//     when it is not listed.
func Load(r io.Reader) (*Workspace, error) {
	w, err := load(r, os.DirFS("."))
	if err != nil {
		return nil, fmt.Errorf("loading workspace: %w", err)
	}
	return w, nil
}

// LoadFile reads the JSON workspace in the named file; content paths are
// relative to the file's directory and may not leave it. See Load for the
// format.
func LoadFile(name string) (*Workspace, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("loading workspace: %w", err)
	}
	defer f.Close()
	w, err := load(f, os.DirFS(filepath.Dir(name)))
	if err != nil {
		return nil, fmt.Errorf("loading workspace %s: %w", name, err)
	}
	return w, nil
}

// LoadFS reads the JSON workspace named name in fsys, for embedded
// workspaces; content paths are relative to the file's directory in fsys.
// See Load for the format.
func LoadFS(fsys fs.FS, name string) (*Workspace, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("loading workspace: %w", err)
	}
	defer f.Close()
	dir, err := fs.Sub(fsys, path.Dir(name))
	if err != nil {
		return nil, fmt.Errorf("loading workspace %s: %w", name, err)
	}
	w, err := load(f, dir)
	if err != nil {
		return nil, fmt.Errorf("loading workspace %s: %w", name, err)
	}
	return w, nil
}

// load decodes and builds a workspace, resolving content paths in fsys.
func load(r io.Reader, fsys fs.FS) (*Workspace, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxDocument+1))
	if err != nil {
		return nil, fmt.Errorf("reading workspace JSON: %w", err)
	}
	if len(data) > maxDocument {
		return nil, fmt.Errorf("reading workspace JSON: larger than %d bytes", maxDocument)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var doc document
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("decoding workspace JSON at %s: %w", position(data, errorOffset(err, dec)), describe(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("decoding workspace JSON at %s: unexpected data after the workspace object", position(data, dec.InputOffset()))
	}
	l := &loader{fsys: fsys, w: New(doc.Domain, doc.CustomerID), zones: make(map[string]*time.Location)}
	l.build(&doc)
	if err := errors.Join(l.errs...); err != nil {
		return nil, err
	}
	return l.w, nil
}

// loader turns a document into a workspace, collecting every problem.
type loader struct {
	fsys  fs.FS
	w     *Workspace
	errs  []error
	zones map[string]*time.Location
}

// errorf records a problem with an item.
func (l *loader) errorf(item, format string, args ...any) {
	l.errs = append(l.errs, fmt.Errorf("%s: %s", item, fmt.Sprintf(format, args...)))
}

// seq advances the change sequence and returns it.
func (l *loader) seq() int64 {
	l.w.seq++
	return l.w.seq
}

// build fills l.w from doc.
func (l *loader) build(doc *document) {
	if doc.Domain == "" || strings.ContainsAny(doc.Domain, "@ /") {
		l.errorf("domain", "%q is not a domain name", doc.Domain)
	}
	if l.w.CustomerID == "" {
		l.w.CustomerID = "C0" + strconv.FormatUint(hashKey("customer:"+doc.Domain)%1e9, 36)
	}
	l.people(doc.People)
	l.calendars(doc.Calendars)
	files := l.files(doc.Files)
	events := l.events(doc.Events, files)
	l.link(files, events)
}

// people loads the directory.
func (l *loader) people(docs []personDoc) {
	l.w.people = make(map[string]Person, len(docs))
	l.w.byEmail = make(map[string]string, len(docs))
	for i, d := range docs {
		item := fmt.Sprintf("people[%d] %q", i, d.Email)
		if !validEmail(d.Email) {
			l.errorf(item, "email %q is not an email address", d.Email)
			continue
		}
		if _, dup := l.w.byEmail[strings.ToLower(d.Email)]; dup {
			l.errorf(item, "email is used by an earlier person")
			continue
		}
		p := Person{
			ID: d.ID, Email: d.Email, GivenName: d.GivenName, FamilyName: d.FamilyName, DisplayName: d.DisplayName,
			PhotoURL: d.PhotoURL, Title: d.Title, Department: d.Department, Phone: d.Phone, Deleted: d.Deleted,
		}
		if p.ID == "" {
			p.ID = "c" + strconv.FormatUint(hashKey("person:"+strings.ToLower(d.Email)), 10)
		}
		if _, dup := l.w.people[p.ID]; dup {
			l.errorf(item, "id %q is used by an earlier person", p.ID)
			continue
		}
		if p.DisplayName == "" {
			p.DisplayName = strings.TrimSpace(p.GivenName + " " + p.FamilyName)
		}
		p.Seq = l.seq()
		l.w.insertPerson(p)
	}
}

// calendars loads the calendars and adds the missing primary ones.
func (l *loader) calendars(docs []calendarDoc) {
	for i, d := range docs {
		item := fmt.Sprintf("calendars[%d] %q", i, d.ID)
		c := Calendar{
			ID: d.ID, Owner: d.Owner, Summary: d.Summary, Description: d.Description,
			TimeZone: d.TimeZone, Primary: d.Primary,
		}
		owner, ok := l.w.Person(d.Owner)
		if !ok {
			l.errorf(item, "owner %q is not a person of the directory", d.Owner)
			continue
		}
		c.Owner = owner.Email
		if c.Primary && c.ID == "" {
			c.ID = owner.Email
		}
		switch {
		case c.ID == "":
			l.errorf(item, "id is required for a secondary calendar")
			continue
		case c.Primary != (c.ID == owner.Email):
			l.errorf(item, "a calendar is primary exactly when its id is its owner's email")
			continue
		}
		if _, dup := l.w.calendars[c.ID]; dup {
			l.errorf(item, "id is used by an earlier calendar")
			continue
		}
		c.ReaderEmails = make([]string, len(d.Readers))
		for i, r := range d.Readers {
			p, ok := l.w.Person(r)
			if !ok {
				l.errorf(item, "reader %q is not a person of the directory", r)
			}
			c.ReaderEmails[i] = cmp.Or(p.Email, r)
		}
		if c.TimeZone == "" {
			c.TimeZone = "UTC"
		}
		if _, err := l.zone(c.TimeZone); err != nil {
			l.errorf(item, "%v", err)
		}
		if c.Summary == "" {
			c.Summary = c.ID
		}
		c.Seq = l.seq()
		l.w.insertCalendar(c)
	}
	for _, p := range l.w.People() {
		if _, ok := l.w.calendars[p.Email]; !ok && !p.Deleted {
			l.w.insertCalendar(Calendar{ID: p.Email, Owner: p.Email, Summary: p.Email, TimeZone: "UTC", Primary: true, Seq: l.seq()})
		}
	}
}

// zone loads a time zone once.
func (l *loader) zone(name string) (*time.Location, error) {
	if loc, ok := l.zones[name]; ok {
		return loc, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", name, err)
	}
	l.zones[name] = loc
	return loc, nil
}

// canonical returns the email of the directory person with the given
// email in the directory's spelling, or email itself for outsiders.
func (l *loader) canonical(email string) string {
	if p, ok := l.w.Person(email); ok {
		return p.Email
	}
	return email
}

// validEmail reports whether s looks like an email address.
func validEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && domain != "" && !strings.ContainsAny(s, " \t\r\n<>,;")
}
