package workspace

import (
	"slices"
	"time"
)

// responses are the RSVP states of generated attendees.
var responses = []string{"accepted", "accepted", "tentative", "declined", "needsAction"}

// meeting generates one event organised by p on calendar c, its copies on
// the attendees' primary calendars, and its Meet recording and transcript.
func (g *generator) meeting(p Person, c Calendar, loc *time.Location) {
	now := g.o.Now
	y, m, d := now.In(loc).Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, loc).AddDate(0, 0, g.rng.IntN(61)-30)
	e := Event{
		ID: g.eventID(), CalendarID: c.ID, Status: StatusConfirmed, TimeZone: c.TimeZone, Organizer: p.Email,
	}
	r := g.rng.Float64()
	switch {
	case r < 0.05:
		e.Summary = pick(g.rng, allDayTitles)
		e.AllDay = true
		e.Start, e.End = day.UTC(), day.AddDate(0, 0, 1+g.rng.IntN(2)).UTC()
		e.StartDate, e.EndDate = day.Format(time.DateOnly), e.End.In(loc).Format(time.DateOnly)
	default:
		e.Summary = pick(g.rng, meetingTitles)
		e.Start = day.Add(time.Duration(8*60+30*g.rng.IntN(18)) * time.Minute).UTC()
		e.End = e.Start.Add(time.Duration(15*(2+g.rng.IntN(3))) * time.Minute)
		e.Location = pick(g.rng, locations)
		e.Attendees = g.attendees(p)
		if g.rng.Float64() < g.o.MeetShare {
			e.MeetCode = g.meetCode()
			e.Description = "Join with Google Meet: https://meet.google.com/" + e.MeetCode
		}
	}
	e.Created = minTime(e.Start, now).Add(-time.Duration(1+g.rng.IntN(14*24)) * time.Hour)
	e.Updated = e.Created.Add(time.Duration(g.rng.IntN(24*60)) * time.Minute)
	var exception *Event
	switch r := g.rng.Float64(); {
	case r < 0.05:
		e.Status = StatusCancelled
		e.Updated = minTime(e.Start, now)
	case r < 0.15 && !e.AllDay:
		e.Recurrence = []string{"RRULE:FREQ=WEEKLY;COUNT=4"}
		if g.rng.IntN(3) == 0 {
			exception = g.cancelledInstance(e)
		}
	}
	if e.MeetCode != "" && e.Status == StatusConfirmed && e.Recurrence == nil && e.End.Add(15*time.Minute).Before(now) {
		g.artifacts(&e, loc)
	}
	g.put(e)
	if exception != nil {
		g.put(*exception)
	}
}

// attendees returns the guest list of a meeting organised by p: the
// organizer and up to four other people, or nobody.
func (g *generator) attendees(p Person) []Attendee {
	n := g.rng.IntN(5)
	if n == 0 || len(g.ppl) < 2 {
		return nil
	}
	out := []Attendee{{Email: p.Email, DisplayName: p.DisplayName, ResponseStatus: "accepted", Organizer: true}}
	for _, q := range g.pickPeople(p.Email, n) {
		out = append(out, Attendee{Email: q.Email, DisplayName: q.DisplayName, ResponseStatus: pick(g.rng, responses)})
	}
	return out
}

// pickPeople returns up to n distinct random people other than the one
// with the given email.
func (g *generator) pickPeople(email string, n int) []Person {
	out := make([]Person, 0, n)
	for try := 0; len(out) < n && try < 4*n; try++ {
		q := g.ppl[g.rng.IntN(len(g.ppl))]
		if q.Email != email && !slices.ContainsFunc(out, func(o Person) bool { return o.Email == q.Email }) {
			out = append(out, q)
		}
	}
	return out
}

// cancelledInstance returns a cancelled exception for the second occurrence
// of the weekly series e.
func (g *generator) cancelledInstance(e Event) *Event {
	start := e.Start.AddDate(0, 0, 7)
	return &Event{
		ID:         e.ID + "_" + start.Format("20060102T150405Z"),
		CalendarID: e.CalendarID, Summary: e.Summary, Status: StatusCancelled,
		Start: start, End: start.Add(e.End.Sub(e.Start)), TimeZone: e.TimeZone,
		RecurringEventID: e.ID, OriginalStart: start, Organizer: e.Organizer, Attendees: e.Attendees,
		Created: e.Created, Updated: e.Updated,
	}
}

// put stores e and its copies on the attendees' primary calendars; the
// copies share e's slices, which are never modified in place. Exceptions
// share the master's attendees too.
func (g *generator) put(e Event) {
	g.w.seq++
	e.Seq = g.w.seq
	g.w.insertEvent(e)
	for _, a := range e.Attendees {
		if a.Organizer {
			continue
		}
		cp := e
		cp.CalendarID = a.Email
		g.w.seq++
		cp.Seq = g.w.seq
		g.w.insertEvent(cp)
	}
}

// artifacts creates the recording and transcript of the ended Meet meeting
// e, as the dice decide, and attaches them to it.
func (g *generator) artifacts(e *Event, loc *time.Location) {
	var shared []string
	var speakers []string
	for _, a := range e.Attendees {
		speakers = append(speakers, a.DisplayName)
		if !a.Organizer {
			shared = append(shared, a.Email)
		}
	}
	stamp := e.Summary + " - " + e.Start.In(loc).Format("2006/01/02 15:04 MST")
	folder := MeetRecordingsFolderID(e.Organizer)
	file := func(name, mime string, created time.Time) *File {
		return &File{
			ID: g.fileID(), Name: name, MimeType: mime, Parents: []string{folder}, Owner: e.Organizer,
			SharedWith: shared, CreatedTime: created, ModifiedTime: created.Add(2 * time.Minute),
			CreatedByMeet: true, MeetCode: e.MeetCode, EventID: e.ID,
		}
	}
	var files []*File
	if g.rng.Float64() < g.o.RecordingShare {
		f := file(stamp+" - Recording", MimeMP4, e.End.Add(5*time.Minute))
		f.Body = GeneratedBody(f.ID, g.o.RecordingSize)
		f.Size = g.o.RecordingSize
		files = append(files, f)
	}
	if g.rng.Float64() < g.o.TranscriptShare {
		f := file(stamp+" - Transcript", MimeDocument, e.End.Add(2*time.Minute))
		minutes := int64(e.End.Sub(e.Start) / time.Minute)
		f.ExportText = TranscriptBody(f.ID, minutes*1000+g.rng.Int64N(5000), speakers)
		files = append(files, f)
	}
	for _, f := range files {
		g.w.seq++
		f.Seq = g.w.seq
		g.w.insertFile(f)
		e.Attachments = append(e.Attachments, AttachmentFor(f))
		if t, ok := g.folders[e.Organizer]; !ok || f.CreatedTime.Before(t) {
			if !ok {
				g.order = append(g.order, e.Organizer)
			}
			g.folders[e.Organizer] = f.CreatedTime
		}
	}
}

// meetFolders creates the "Meet Recordings" folder of every organizer who
// has a Meet file, a minute before its first file.
func (g *generator) meetFolders() {
	for _, email := range g.order {
		created := g.folders[email].Add(-time.Minute)
		g.w.seq++
		g.w.insertFile(&File{
			ID: MeetRecordingsFolderID(email), Name: MeetRecordingsFolder, MimeType: MimeFolder, Owner: email,
			CreatedTime: created, ModifiedTime: created, Seq: g.w.seq,
		})
	}
}

// minTime returns the earlier of a and b.
func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
