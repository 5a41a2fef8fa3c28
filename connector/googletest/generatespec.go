package googletest

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

// parseGenerate parses a --generate spec such as
// "people=100,calendars=2,meetings=20,meet=0.5,recordings=0.3,transcripts=0.3,seed=7,recording-size=64M".
// Sizes take an optional K, M or G suffix (powers of 1024). Every problem
// is reported at once.
func parseGenerate(spec string, now time.Time) (workspace.GenerateOptions, error) {
	o := workspace.GenerateOptions{Now: now}
	ints := map[string]*int{"people": &o.People, "calendars": &o.CalendarsPerPerson, "meetings": &o.MeetingsPerCalendar}
	shares := map[string]*float64{"meet": &o.MeetShare, "recordings": &o.RecordingShare, "transcripts": &o.TranscriptShare}
	var errs []error
	for _, part := range strings.Split(spec, ",") {
		key, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || val == "" {
			errs = append(errs, fmt.Errorf("--generate: %q is not key=value", part))
			continue
		}
		var err error
		switch {
		case ints[key] != nil:
			*ints[key], err = strconv.Atoi(val)
		case shares[key] != nil:
			*shares[key], err = strconv.ParseFloat(val, 64)
		case key == "seed":
			o.Seed, err = strconv.ParseInt(val, 10, 64)
		case key == "recording-size":
			o.RecordingSize, err = parseSize(val)
		case key == "domain":
			o.Domain = val
		default:
			errs = append(errs, fmt.Errorf("--generate: unknown key %q (want people, calendars, meetings, meet, "+
				"recordings, transcripts, seed, recording-size or domain)", key))
			continue
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("--generate: %s=%s: %w", key, val, err))
		}
	}
	return o, errors.Join(errs...)
}

// parseSize parses a byte count with an optional K, M or G suffix.
func parseSize(s string) (int64, error) {
	shift := 0
	switch {
	case strings.HasSuffix(s, "K"):
		shift = 10
	case strings.HasSuffix(s, "M"):
		shift = 20
	case strings.HasSuffix(s, "G"):
		shift = 30
	}
	if shift > 0 {
		s = s[:len(s)-1]
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > (1<<62)>>shift {
		return 0, errors.New("not a byte count such as 1048576 or 64M")
	}
	return n << shift, nil
}
