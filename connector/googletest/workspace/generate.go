package workspace

import (
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Generated calendars use IANA zones; embed them so output never depends on the host.
)

// Limits on GenerateOptions.
const (
	maxGeneratedPeople = 10_000_000
	maxCalendars       = 50
	maxMeetings        = 10_000
	maxRecordingSize   = 1 << 40
	// defaultRecordingSize is used when GenerateOptions.RecordingSize is 0.
	defaultRecordingSize = 1 << 20
	// defaultDomain is used when GenerateOptions.Domain is empty.
	defaultDomain = "example.test"
)

// Generate builds a workspace deterministically from o: with a given
// version of this package, the same options give the same workspace. Every person gets a primary calendar and
// CalendarsPerPerson-1 secondary calendars shared with a few readers; each
// calendar gets MeetingsPerCalendar meetings within 30 days of o.Now (some
// recurring, all-day or cancelled), which are copied onto the attendees'
// primary calendars. A MeetShare fraction of the timed meetings use Meet;
// RecordingShare and TranscriptShare of the single, confirmed ones that
// have ended get a
// recording (a generated MP4 body of RecordingSize bytes) or a transcript (a
// Google Doc with a generated text export) in the organizer's
// "Meet Recordings" folder, shared with the attendees and attached to the
// event. Domain defaults to "example.test" and RecordingSize to 1 MiB; Now
// is required so that the output never depends on the wall clock.
func Generate(o GenerateOptions) (*Workspace, error) {
	if o.Domain == "" {
		o.Domain = defaultDomain
	}
	if o.CalendarsPerPerson == 0 {
		o.CalendarsPerPerson = 1
	}
	if o.RecordingSize == 0 {
		o.RecordingSize = defaultRecordingSize
	}
	if err := o.validate(); err != nil {
		return nil, err
	}
	g := &generator{
		o:       o,
		rng:     rand.New(rand.NewPCG(uint64(o.Seed), 0x5c09e7a11)),
		base:    hashKey("scopetrail:" + strconv.FormatInt(o.Seed, 10)),
		zones:   make(map[string]*time.Location),
		codes:   make(map[string]bool),
		folders: make(map[string]time.Time),
	}
	g.w = New(o.Domain, "C0"+strings.ToLower(base32.StdEncoding.EncodeToString(binary.BigEndian.AppendUint64(nil, g.base))[:8]))
	g.w.people = make(map[string]Person, o.People)
	g.w.byEmail = make(map[string]string, o.People)
	g.w.events = make(map[string]map[string]Event, o.People*o.CalendarsPerPerson)
	g.people()
	for i := range g.ppl {
		if err := g.calendars(i); err != nil {
			return nil, err
		}
	}
	g.meetFolders()
	return g.w, nil
}

// validate reports every invalid option at once.
func (o GenerateOptions) validate() error {
	var errs []error
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf("workspace.GenerateOptions: "+format, args...))
		}
	}
	check(o.People >= 0 && o.People <= maxGeneratedPeople, "People is %d, want 0 to %d", o.People, maxGeneratedPeople)
	check(o.CalendarsPerPerson >= 1 && o.CalendarsPerPerson <= maxCalendars,
		"CalendarsPerPerson is %d, want 1 to %d (0 means 1)", o.CalendarsPerPerson, maxCalendars)
	check(o.MeetingsPerCalendar >= 0 && o.MeetingsPerCalendar <= maxMeetings,
		"MeetingsPerCalendar is %d, want 0 to %d", o.MeetingsPerCalendar, maxMeetings)
	for _, s := range []struct {
		name string
		v    float64
	}{{"MeetShare", o.MeetShare}, {"RecordingShare", o.RecordingShare}, {"TranscriptShare", o.TranscriptShare}} {
		check(s.v >= 0 && s.v <= 1, "%s is %v, want a fraction from 0 to 1", s.name, s.v)
	}
	check(o.RecordingSize > 0 && o.RecordingSize <= maxRecordingSize,
		"RecordingSize is %d, want 1 to %d bytes (0 means 1 MiB)", o.RecordingSize, int64(maxRecordingSize))
	check(!strings.ContainsAny(o.Domain, "@ /"), "Domain %q is not a domain name", o.Domain)
	check(!o.Now.IsZero(), "Now is required: meetings are placed within 30 days of it")
	return errors.Join(errs...)
}

// Salts keep the id sequences of different kinds apart.
const (
	saltPerson uint64 = iota + 1
	saltCalendar
	saltEvent
	saltFile
	saltMeet
)

// generator holds the state of one Generate call.
type generator struct {
	o       GenerateOptions
	rng     *rand.Rand
	base    uint64
	w       *Workspace
	ppl     []Person
	zones   map[string]*time.Location
	codes   map[string]bool      // Meet codes in use
	folders map[string]time.Time // organizer email to its folder's creation time
	order   []string             // organizers in the order their folders were needed
	n       [saltMeet + 1]uint64 // per-kind id counters
}

// word returns the next unique pseudo-random word of a kind: mix is a
// bijection and the inputs differ, so words of one kind never repeat.
func (g *generator) word(salt uint64) uint64 {
	g.n[salt]++
	return mix(g.base ^ salt<<56 + g.n[salt]*golden)
}

// pick returns a random element of s.
func pick[T any](rng *rand.Rand, s []T) T {
	return s[rng.IntN(len(s))]
}

// people generates the directory.
func (g *generator) people() {
	g.ppl = make([]Person, 0, g.o.People)
	taken := make(map[string]int, g.o.People)
	for range g.o.People {
		c := g.culture()
		given, family := pick(g.rng, c.given), pick(g.rng, c.family)
		display := given.text + " " + family.text
		if c.familyFirst {
			display = family.text + given.text
		}
		local := given.slug + "." + family.slug
		if n := taken[local]; n > 0 {
			taken[local] = n + 1
			local += strconv.Itoa(n + 1)
		} else {
			taken[local] = 1
		}
		id := "c" + strconv.FormatUint(g.word(saltPerson), 10)
		p := Person{
			ID: id, Email: local + "@" + g.o.Domain,
			GivenName: given.text, FamilyName: family.text, DisplayName: display,
			PhotoURL:   "https://lh3.googleusercontent.com/a/" + id + "=s100",
			Title:      pick(g.rng, titles),
			Department: pick(g.rng, departments),
			Phone:      fmt.Sprintf("+1 555-%03d-%04d", g.rng.IntN(1000), g.rng.IntN(10000)),
		}
		g.w.seq++
		p.Seq = g.w.seq
		g.w.insertPerson(p)
		g.ppl = append(g.ppl, p)
	}
}

// culture picks a name culture by weight.
func (g *generator) culture() culture {
	n := g.rng.IntN(cultureWeight)
	for _, c := range cultures {
		if n < c.weight {
			return c
		}
		n -= c.weight
	}
	return cultures[0]
}

// calendars generates the calendars of person i and their meetings.
func (g *generator) calendars(i int) error {
	p := g.ppl[i]
	zone := pick(g.rng, timeZones)
	for k := range g.o.CalendarsPerPerson {
		c := Calendar{ID: p.Email, Owner: p.Email, Summary: p.Email, TimeZone: zone, Primary: k == 0}
		if k > 0 {
			var id [8]byte
			binary.BigEndian.PutUint64(id[:], g.word(saltCalendar))
			c.ID = strings.ToLower(base32.HexEncoding.WithPadding(base32.NoPadding).EncodeToString(id[:])) + "@group.calendar.google.com"
			c.Summary = pick(g.rng, calendarTitles) + " (" + p.DisplayName + ")"
			c.Description = "Shared calendar of " + p.DisplayName + "."
			for _, q := range g.pickPeople(p.Email, 1+g.rng.IntN(3)) {
				c.ReaderEmails = append(c.ReaderEmails, q.Email)
			}
		}
		g.w.seq++
		c.Seq = g.w.seq
		g.w.insertCalendar(c)
		loc, err := g.zone(zone)
		if err != nil {
			return err
		}
		for range g.o.MeetingsPerCalendar {
			g.meeting(p, c, loc)
		}
	}
	return nil
}

// zone loads a time zone once.
func (g *generator) zone(name string) (*time.Location, error) {
	if loc, ok := g.zones[name]; ok {
		return loc, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("loading time zone %q: %w", name, err)
	}
	g.zones[name] = loc
	return loc, nil
}

// eventID returns a new id in Calendar's alphabet (base32hex, lower case).
func (g *generator) eventID() string {
	var b [16]byte
	w := g.word(saltEvent)
	binary.BigEndian.PutUint64(b[:], w)
	binary.BigEndian.PutUint64(b[8:], mix(w))
	return strings.ToLower(base32.HexEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}

// fileID returns a new id shaped like a Drive id.
func (g *generator) fileID() string {
	var b [24]byte
	w := g.word(saltFile)
	binary.BigEndian.PutUint64(b[:], w)
	binary.BigEndian.PutUint64(b[8:], mix(w))
	binary.BigEndian.PutUint64(b[16:], mix(mix(w)))
	return "1" + base64.RawURLEncoding.EncodeToString(b[:])
}

// meetCode returns a new unused Meet code like "abc-defg-hij".
func (g *generator) meetCode() string {
	for {
		w := g.word(saltMeet)
		var b [12]byte
		for i := range b {
			b[i] = 'a' + byte(w%26)
			w /= 26
		}
		b[3], b[8] = '-', '-'
		if code := string(b[:]); !g.codes[code] {
			g.codes[code] = true
			return code
		}
	}
}
