package web

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/connector/calendars"
)

// zoneField is the query parameter that picks the time zone of the
// meetings pages: ?tz=Europe/Paris.
const zoneField = "tz"

// maxZoneName bounds the zone names parseZone tries: the longest IANA name
// has 32 characters.
const maxZoneName = 64

// commonZones are offered in the time zone picker after the zones of the
// member's calendars.
var commonZones = []string{
	"UTC", "America/Los_Angeles", "America/Denver", "America/Chicago", "America/New_York", "America/Sao_Paulo",
	"Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Stockholm", "Europe/Athens", "Africa/Lagos",
	"Africa/Johannesburg", "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore", "Asia/Shanghai", "Asia/Tokyo",
	"Australia/Sydney", "Pacific/Auckland",
}

// parseZone reads the time zone a person asked for: an IANA name such as
// "Europe/Paris", which time.LoadLocation knows. "" means none was asked
// for; "Local" (the server's own zone) and unknown names are refused with
// a message that says so.
func parseZone(name string) (*time.Location, error) {
	unknown := invalidf("There is no time zone named %q. Choose one from the list, such as Europe/Paris.", name)
	if name == "" || name == "Local" || len(name) > maxZoneName || strings.HasPrefix(name, "/") {
		return nil, unknown
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, unknown
	}
	return loc, nil
}

// zoneChoice is one option of the time zone picker.
type zoneChoice struct {
	Name     string
	Selected bool
}

// meetingZone is the time zone the meetings pages show times in.
type meetingZone struct {
	// Loc is the zone; Asked is true when the URL chose it.
	Loc   *time.Location
	Asked bool
	// From names the calendar whose zone it is, "" when the URL chose it or
	// no calendar has one (then it is UTC).
	From string
	// Choices are the picker's options, the calendars' zones first.
	Choices []zoneChoice
}

// Param is the query string that keeps the zone on links, "" when the URL
// did not choose it.
func (z meetingZone) Param() string {
	if !z.Asked {
		return ""
	}
	return "?" + url.Values{zoneField: {z.Loc.String()}}.Encode()
}

// chooseZone returns the zone the URL asks for (asked, "" for none), else
// that of the calendar preferred, else that of the primary calendar or
// the first linked calendar with one, else UTC; with the picker's options.
func chooseZone(asked string, links []calendars.Link, preferred string) (meetingZone, error) {
	z := meetingZone{Loc: time.UTC}
	if asked != "" {
		loc, err := parseZone(asked)
		if err != nil {
			return meetingZone{}, err
		}
		z.Loc, z.Asked = loc, true
	} else if l, ok := zoneLink(links, preferred); ok {
		if loc, err := time.LoadLocation(l.TimeZone); err == nil {
			z.Loc, z.From = loc, l.Summary
		}
	}
	var names []string
	for _, l := range links {
		if l.TimeZone != "" && !slices.Contains(names, l.TimeZone) {
			names = append(names, l.TimeZone)
		}
	}
	if !slices.Contains(names, z.Loc.String()) && !slices.Contains(commonZones, z.Loc.String()) {
		names = append(names, z.Loc.String())
	}
	for _, n := range commonZones {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	for _, n := range names {
		z.Choices = append(z.Choices, zoneChoice{Name: n, Selected: n == z.Loc.String()})
	}
	return z, nil
}

// zoneLink returns the linked calendar whose zone the pages use by default:
// preferred when it has one, else the primary calendar, else the first
// with a zone.
func zoneLink(links []calendars.Link, preferred string) (calendars.Link, bool) {
	for _, pick := range []func(calendars.Link) bool{
		func(l calendars.Link) bool { return l.ID == preferred },
		func(l calendars.Link) bool { return l.Primary },
		func(calendars.Link) bool { return true },
	} {
		for _, l := range links {
			if l.TimeZone != "" && pick(l) {
				return l, true
			}
		}
	}
	return calendars.Link{}, false
}
