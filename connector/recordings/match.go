package recordings

import (
	"cmp"
	"strconv"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/connector/calendars"
)

// Name suffixes Meet gives its files (google-spec.md §4.4, §5.1).
const (
	suffixRecording  = " - Recording"
	suffixTranscript = " - Transcript"
	suffixNotes      = " - Notes by Gemini"
)

// Stamp layouts in Meet file names: "Weekly sync - 2025/03/04 10:00 EST"
// and "Weekly sync (2025-03-04 10:00 GMT-5)".
const (
	layoutDash  = "2006/01/02 15:04"
	layoutParen = "2006-01-02 15:04"
)

// zoneSlack is how far an unknown time zone can move a stamp: the largest
// UTC offsets are -12 and +14 hours.
const zoneSlack = 14 * time.Hour

// parsedName is what a Meet file name says about its meeting.
type parsedName struct {
	// Title is the meeting's title, or its conference id for a meeting
	// without one.
	Title string
	// Stamp is the start of the meeting; Exact is false when the zone
	// could not be read, and Stamp is then the wall time read as UTC.
	Stamp time.Time
	Exact bool
}

// parseName reads a Meet file name; ok is false when it has no stamp.
func parseName(name string) (p parsedName, ok bool) {
	for _, s := range []string{suffixRecording, suffixTranscript, suffixNotes} {
		name = strings.TrimSuffix(name, s)
	}
	var stamp, layout string
	if strings.HasSuffix(name, ")") {
		i := strings.LastIndex(name, " (")
		if i < 0 {
			return parsedName{}, false
		}
		p.Title, stamp, layout = name[:i], name[i+2:len(name)-1], layoutParen
	} else {
		i := strings.LastIndex(name, " - ")
		if i < 0 {
			return parsedName{}, false
		}
		p.Title, stamp, layout = name[:i], name[i+3:], layoutDash
	}
	wall, zone, _ := strings.Cut(stamp, " ")
	clock, zone, _ := strings.Cut(zone, " ")
	t, err := time.Parse(layout, wall+" "+clock)
	if err != nil {
		return parsedName{}, false
	}
	p.Stamp = t
	if off, exact := zoneOffset(zone); exact {
		p.Stamp, p.Exact = t.Add(-off), true
	}
	p.Title = strings.TrimSpace(p.Title)
	return p, true
}

// zoneOffset reads "UTC", "GMT", "GMT+2", "GMT-05:30", "+03" or "-0530";
// exact is false for other zone names, such as "EST", whose offset a name
// alone does not settle.
func zoneOffset(zone string) (off time.Duration, exact bool) {
	zone = strings.TrimPrefix(strings.TrimPrefix(zone, "GMT"), "UTC")
	if zone == "" {
		return 0, true
	}
	sign := time.Duration(1)
	switch zone[0] {
	case '-':
		sign = -1
	case '+':
	default:
		return 0, false
	}
	h, m, _ := strings.Cut(zone[1:], ":")
	if m == "" && len(h) == 4 {
		h, m = h[:2], h[2:]
	}
	hours, err := strconv.Atoi(h)
	if err != nil || hours > 14 {
		return 0, false
	}
	mins := 0
	if m != "" {
		if mins, err = strconv.Atoi(m); err != nil || mins >= 60 {
			return 0, false
		}
	}
	return sign * (time.Duration(hours)*time.Hour + time.Duration(mins)*time.Minute), true
}

// matcher finds the meeting of a Meet file.
type matcher struct {
	byFile map[string]calendars.Meeting // attachment file id → meeting
	all    []calendars.Meeting
}

// newMatcher indexes meetings. A meeting seen on several linked calendars
// keeps the first copy.
func newMatcher(meetings []calendars.Meeting) *matcher {
	m := &matcher{byFile: map[string]calendars.Meeting{}, all: meetings}
	for _, mt := range meetings {
		for _, a := range mt.Attachments {
			if _, dup := m.byFile[a.FileID]; !dup {
				m.byFile[a.FileID] = mt
			}
		}
	}
	return m
}

// match returns the meeting of a file: the meeting it is attached to; else
// the Meet meeting whose conference id, or else whose title, the file's
// name gives, and whose time fits best (see fits). ok is false when none
// fits.
func (m *matcher) match(f Recording) (calendars.Meeting, bool) {
	if mt, ok := m.byFile[f.FileID]; ok {
		return mt, true
	}
	p, ok := parseName(f.Name)
	if !ok {
		return calendars.Meeting{}, false
	}
	for _, byCode := range []bool{true, false} {
		var best calendars.Meeting
		var bestGap time.Duration = -1
		for _, mt := range m.all {
			if !mt.IsMeet() {
				continue
			}
			if byCode && !strings.EqualFold(mt.MeetCode, p.Title) || !byCode && !strings.EqualFold(strings.TrimSpace(mt.Title), p.Title) {
				continue
			}
			gap, fits := p.fits(mt, f.Created)
			if fits && (bestGap < 0 || gap < bestGap || gap == bestGap && cmp.Less(mt.ID, best.ID)) {
				best, bestGap = mt, gap
			}
		}
		if bestGap >= 0 {
			return best, true
		}
	}
	return calendars.Meeting{}, false
}

// fits reports whether a meeting can be the one a file was made in: Meet
// creates the file after the meeting started, and the name's stamp, when
// the recording started, falls between shortly before the meeting's start
// and its end (widened by the zone's uncertainty). gap ranks the meetings
// that fit: how far the stamp is from the start when the zone is known,
// else how long after the meeting's end the file was created.
func (p parsedName) fits(mt calendars.Meeting, created time.Time) (gap time.Duration, ok bool) {
	if !created.IsZero() && created.Before(mt.Start) {
		return 0, false
	}
	slack := time.Duration(0)
	if !p.Exact {
		slack = zoneSlack
	}
	from, to := mt.Start.Add(-earlyStart-slack), mt.End.Add(slack)
	gap = p.Stamp.Sub(mt.Start).Abs()
	if !p.Exact && !created.IsZero() {
		gap = created.Sub(mt.End).Abs()
	}
	return gap, !p.Stamp.Before(from) && !p.Stamp.After(to)
}

// earlyStart is how long before its scheduled start a meeting may begin.
const earlyStart = 15 * time.Minute
