package fakeapi

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

// maxOccurrences bounds the expansion of one recurring event, so that an
// unbounded daily rule starting decades ago cannot stall a request.
const maxOccurrences = 20000

// dateLayout and instanceLayout format all-day dates and the suffix of
// instance ids ("<masterId>_20250304T100000Z").
const (
	dateLayout       = "2006-01-02"
	instanceLayout   = "20060102T150405Z"
	instanceDayStamp = "20060102"
)

// rrule is the supported subset of an RFC 5545 recurrence rule.
type rrule struct {
	freq     string // DAILY, WEEKLY, MONTHLY or YEARLY
	interval int
	count    int       // 0 = unbounded
	until    time.Time // zero = unbounded; inclusive
	byDay    []time.Weekday
}

// recurrence is a parsed Recurrence property: one rule and its exceptions.
type recurrence struct {
	rule    rrule
	exdates map[int64]bool // Unix seconds of excluded starts
}

// weekdays maps RFC 5545 day codes to weekdays.
var weekdays = map[string]time.Weekday{"MO": time.Monday, "TU": time.Tuesday, "WE": time.Wednesday,
	"TH": time.Thursday, "FR": time.Friday, "SA": time.Saturday, "SU": time.Sunday}

// parseRecurrence parses RRULE and EXDATE lines; times without a zone are
// read in loc. RDATE and rule parts beyond the supported subset are ignored.
func parseRecurrence(lines []string, loc *time.Location) (recurrence, error) {
	rec := recurrence{rule: rrule{interval: 1}, exdates: map[int64]bool{}}
	for _, line := range lines {
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return rec, fmt.Errorf("recurrence line %q has no value", line)
		}
		name, params, _ := strings.Cut(name, ";")
		switch strings.ToUpper(name) {
		case "RRULE":
			r, err := parseRRule(value, loc)
			if err != nil {
				return rec, err
			}
			rec.rule = r
		case "EXDATE":
			zone := loc
			if tzid, ok := strings.CutPrefix(params, "TZID="); ok {
				if l, err := time.LoadLocation(tzid); err == nil {
					zone = l
				}
			}
			for _, v := range strings.Split(value, ",") {
				t, err := parseICalTime(v, zone)
				if err != nil {
					return rec, err
				}
				rec.exdates[t.Unix()] = true
			}
		}
	}
	return rec, nil
}

// parseRRule parses the value of an RRULE line.
func parseRRule(value string, loc *time.Location) (rrule, error) {
	r := rrule{interval: 1}
	for _, part := range strings.Split(value, ";") {
		k, v, _ := strings.Cut(part, "=")
		var err error
		switch strings.ToUpper(k) {
		case "FREQ":
			r.freq = strings.ToUpper(v)
		case "INTERVAL":
			r.interval, err = strconv.Atoi(v)
			if err == nil && r.interval < 1 {
				err = fmt.Errorf("INTERVAL %d is not positive", r.interval)
			}
		case "COUNT":
			r.count, err = strconv.Atoi(v)
		case "UNTIL":
			r.until, err = parseICalTime(v, loc)
			if err == nil && len(v) == len(instanceDayStamp) {
				r.until = r.until.AddDate(0, 0, 1).Add(-time.Second) // A date includes its whole day.
			}
		case "BYDAY":
			for _, d := range strings.Split(v, ",") {
				wd, ok := weekdays[strings.ToUpper(strings.TrimLeft(d, "+-0123456789"))]
				if !ok {
					return r, fmt.Errorf("BYDAY %q is not a weekday", d)
				}
				r.byDay = append(r.byDay, wd)
			}
		}
		if err != nil {
			return r, fmt.Errorf("RRULE %s: %w", part, err)
		}
	}
	return r, nil
}

// parseICalTime parses an iCalendar DATE or DATE-TIME, in UTC with a Z
// suffix and in loc otherwise.
func parseICalTime(v string, loc *time.Location) (time.Time, error) {
	switch {
	case strings.HasSuffix(v, "Z"):
		return time.Parse(instanceLayout, v)
	case len(v) == len(instanceDayStamp):
		return time.ParseInLocation(instanceDayStamp, v, loc)
	default:
		return time.ParseInLocation("20060102T150405", v, loc)
	}
}

// occurrences calls yield with the start of every occurrence of a rule
// beginning at dtstart (in its location, so that wall-clock times survive
// daylight saving changes), in order, until yield returns false, the rule
// ends, a start reaches horizon, or maxOccurrences starts were generated.
func (rec recurrence) occurrences(dtstart, horizon time.Time, yield func(time.Time) bool) {
	r := rec.rule
	emitted := 0
	emit := func(t time.Time) bool {
		if t.Before(dtstart) {
			return true
		}
		if (r.count > 0 && emitted >= r.count) || (!r.until.IsZero() && t.After(r.until)) ||
			!t.Before(horizon) || emitted >= maxOccurrences {
			return false
		}
		emitted++
		if rec.exdates[t.Unix()] {
			return true
		}
		return yield(t)
	}
	y, m, d := dtstart.Date()
	hh, mm, ss := dtstart.Clock()
	at := func(y int, m time.Month, d int) time.Time {
		return time.Date(y, m, d, hh, mm, ss, 0, dtstart.Location())
	}
	switch r.freq {
	case "DAILY":
		for i := 0; ; i += r.interval {
			t := at(y, m, d+i)
			if (len(r.byDay) == 0 || slices.Contains(r.byDay, t.Weekday())) && !emit(t) {
				return
			}
			if !t.Before(horizon) {
				return
			}
		}
	case "WEEKLY":
		days := r.byDay
		if len(days) == 0 {
			days = []time.Weekday{dtstart.Weekday()}
		}
		offsets := make([]int, len(days))
		for i, wd := range days {
			offsets[i] = (int(wd) + 6) % 7 // Days after Monday, the default WKST.
		}
		slices.Sort(offsets)
		monday := d - (int(dtstart.Weekday())+6)%7
		for w := 0; ; w += r.interval {
			for _, off := range offsets {
				if !emit(at(y, m, monday+7*w+off)) {
					return
				}
			}
		}
	case "MONTHLY", "YEARLY":
		for i := 0; ; i += r.interval {
			t := at(y, m+time.Month(i), d)
			if r.freq == "YEARLY" {
				t = at(y+i, m, d)
			}
			if t.Day() != d { // No such day in that month: RFC 5545 skips it.
				if !t.Before(horizon) {
					return
				}
				continue
			}
			if !emit(t) {
				return
			}
		}
	default:
		emit(dtstart)
	}
}

// eventStart returns the start of e and the location its recurrence is
// expanded in: the event's time zone, else fallback.
func eventStart(e *workspace.Event, fallback *time.Location) (time.Time, *time.Location) {
	loc := fallback
	if e.TimeZone != "" {
		if l, err := time.LoadLocation(e.TimeZone); err == nil {
			loc = l
		}
	}
	if e.AllDay {
		t, err := time.ParseInLocation(dateLayout, e.StartDate, loc)
		if err != nil {
			return time.Time{}, loc
		}
		return t, loc
	}
	return e.Start.In(loc), loc
}

// instanceSuffix is the id suffix of the occurrence of e starting at start.
func instanceSuffix(e *workspace.Event, start time.Time) string {
	if e.AllDay {
		return start.Format(instanceDayStamp)
	}
	return start.UTC().Format(instanceLayout)
}

// instance returns the occurrence of master starting at start, as Google
// represents it with singleEvents=true.
func instance(master *workspace.Event, start time.Time) workspace.Event {
	in := *master
	in.ID = master.ID + "_" + instanceSuffix(master, start)
	in.Recurrence = nil
	in.RecurringEventID = master.ID
	in.OriginalStart = start
	if master.AllDay {
		first, err1 := time.Parse(dateLayout, master.StartDate)
		last, err2 := time.Parse(dateLayout, master.EndDate)
		days := 1
		if err1 == nil && err2 == nil {
			days = int(last.Sub(first).Hours()+12) / 24
		}
		in.StartDate = start.Format(dateLayout)
		in.EndDate = start.AddDate(0, 0, days).Format(dateLayout)
	} else {
		in.Start, in.End = start, start.Add(master.End.Sub(master.Start))
	}
	return in
}
