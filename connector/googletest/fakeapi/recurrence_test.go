package fakeapi

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestOccurrences(t *testing.T) {
	t.Parallel()
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	utc := func(m time.Month, d, h int) time.Time { return time.Date(2025, m, d, h, 0, 0, 0, time.UTC) }
	horizon := utc(12, 31, 0)
	tests := []struct {
		name    string
		lines   []string
		dtstart time.Time
		loc     *time.Location
		want    []string
	}{
		{"daily interval count", []string{"RRULE:FREQ=DAILY;INTERVAL=2;COUNT=3"}, utc(3, 4, 9), time.UTC,
			[]string{"2025-03-04 09:00", "2025-03-06 09:00", "2025-03-08 09:00"}},
		{"daily weekdays until", []string{"RRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20250311T090000Z"}, utc(3, 7, 9), time.UTC,
			[]string{"2025-03-07 09:00", "2025-03-10 09:00", "2025-03-11 09:00"}},
		{"weekly byday", []string{"RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=4"}, utc(3, 5, 9), time.UTC,
			[]string{"2025-03-05 09:00", "2025-03-10 09:00", "2025-03-12 09:00", "2025-03-17 09:00"}},
		{"biweekly until date", []string{"RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=20250401"}, utc(3, 4, 9), time.UTC,
			[]string{"2025-03-04 09:00", "2025-03-18 09:00", "2025-04-01 09:00"}},
		{"wall clock across DST", []string{"RRULE:FREQ=WEEKLY;COUNT=2"}, time.Date(2025, 3, 27, 9, 0, 0, 0, london), london,
			[]string{"2025-03-27 09:00", "2025-04-03 08:00"}},
		{"exdate", []string{"RRULE:FREQ=DAILY;COUNT=3", "EXDATE:20250305T090000Z"}, utc(3, 4, 9), time.UTC,
			[]string{"2025-03-04 09:00", "2025-03-06 09:00"}},
		{"exdate with tzid", []string{"RRULE:FREQ=DAILY;COUNT=2", "EXDATE;TZID=Europe/London:20250304T090000"}, utc(3, 4, 9), time.UTC,
			[]string{"2025-03-05 09:00"}},
		{"monthly skips short months", []string{"RRULE:FREQ=MONTHLY;COUNT=3"}, utc(1, 31, 9), time.UTC,
			[]string{"2025-01-31 09:00", "2025-03-31 09:00", "2025-05-31 09:00"}},
		{"yearly", []string{"RRULE:FREQ=YEARLY;COUNT=2"}, time.Date(2024, 6, 1, 9, 0, 0, 0, time.UTC), time.UTC,
			[]string{"2024-06-01 09:00", "2025-06-01 09:00"}},
		{"unbounded stops at the horizon", []string{"RRULE:FREQ=WEEKLY"}, utc(12, 20, 9), time.UTC,
			[]string{"2025-12-20 09:00", "2025-12-27 09:00"}},
		{"unknown frequency", []string{"RRULE:FREQ=HOURLY;COUNT=5"}, utc(3, 4, 9), time.UTC, []string{"2025-03-04 09:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := parseRecurrence(tt.lines, tt.loc)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			rec.occurrences(tt.dtstart, horizon, func(s time.Time) bool {
				got = append(got, s.UTC().Format("2006-01-02 15:04"))
				return true
			})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	for _, bad := range [][]string{{"RRULE:FREQ=DAILY;COUNT=x"}, {"RRULE:FREQ=WEEKLY;BYDAY=XX"}, {"RRULE"}, {"EXDATE:notadate"},
		{"RRULE:FREQ=DAILY;INTERVAL=0"}} {
		if _, err := parseRecurrence(bad, time.UTC); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
