package recordings

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/calendars"
)

func TestParseName(t *testing.T) {
	t.Parallel()
	at := func(s string) time.Time {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			panic(err)
		}
		return t
	}
	for _, tc := range []struct {
		name   string
		want   parsedName
		wantOK bool
	}{
		{"Weekly sync - 2026/11/20 10:00 UTC - Recording", parsedName{"Weekly sync", at("2026-11-20T10:00:00Z"), true}, true},
		{"Weekly sync - 2026/11/20 10:00 CET - Transcript", parsedName{"Weekly sync", at("2026-11-20T10:00:00Z"), false}, true},
		{"Plan - Q3 - 2026/11/20 10:00 +0530 - Recording", parsedName{"Plan - Q3", at("2026-11-20T04:30:00Z"), true}, true},
		{"Weekly sync (2026-11-20 10:00 GMT-5)", parsedName{"Weekly sync", at("2026-11-20T15:00:00Z"), true}, true},
		{"abc-defg-hij (2026-11-20 10:03 GMT+02:00) - Transcript", parsedName{"abc-defg-hij", at("2026-11-20T08:03:00Z"), true}, true},
		{"Weekly sync - 2026/11/20 10:00 UTC - Notes by Gemini", parsedName{"Weekly sync", at("2026-11-20T10:00:00Z"), true}, true},
		{"holiday.mp4", parsedName{}, false},
		{"Notes (draft)", parsedName{}, false},
		{"Budget - final", parsedName{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := parseName(tc.name)
			if ok != tc.wantOK {
				t.Fatalf("parseName ok = %v, want %v", ok, tc.wantOK)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("parseName (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	t.Parallel()
	day := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	meeting := func(id, title, code string, startHour int) calendars.Meeting {
		start := day.Add(time.Duration(startHour) * time.Hour)
		return calendars.Meeting{ID: id, Title: title, MeetCode: code, Start: start, End: start.Add(30 * time.Minute)}
	}
	attached := meeting("m-attached", "Standup", "aaa-bbbb-ccc", 9)
	attached.Attachments = []calendars.Attachment{{FileID: "f-attached", MimeType: mimeMP4}}
	m := newMatcher([]calendars.Meeting{
		attached,
		meeting("m-standup-10", "Standup", "ddd-eeee-fff", 10),
		meeting("m-standup-15", "Standup", "ggg-hhhh-iii", 15),
		meeting("m-untitled", "", "jjj-kkkk-lll", 12),
		meeting("m-no-meet", "Lunch", "", 12),
	})
	for _, tc := range []struct {
		name, file string
		created    time.Time
		want       string
	}{
		{"attachment wins", "f-attached", day.Add(20 * time.Hour), "m-attached"},
		{"title and exact time", "Standup - 2026/11/20 15:00 UTC - Recording", day.Add(16 * time.Hour), "m-standup-15"},
		{"zone unknown: created soonest after the end", "Standup - 2026/11/20 02:00 PST - Recording", day.Add(10*time.Hour + 35*time.Minute), "m-standup-10"},
		{"zone unknown, later meeting", "Standup - 2026/11/20 07:00 PST - Recording", day.Add(15*time.Hour + 40*time.Minute), "m-standup-15"},
		{"created before the start rules a meeting out", "Standup - 2026/11/20 10:00 PST - Recording", day.Add(9*time.Hour + 5*time.Minute), "m-attached"},
		{"conference id in the name", "jjj-kkkk-lll (2026-11-20 12:05 GMT)", day.Add(13 * time.Hour), "m-untitled"},
		{"recording started late in the meeting", "Standup (2026-11-20 10:25 GMT)", day.Add(11 * time.Hour), "m-standup-10"},
		{"stamp after the meeting", "Standup (2026-11-20 11:00 GMT)", day.Add(12 * time.Hour), ""},
		{"meetings without Meet are not candidates", "Lunch - 2026/11/20 12:00 UTC - Recording", day.Add(13 * time.Hour), ""},
		{"unknown title", "Retro - 2026/11/20 10:00 UTC - Recording", day.Add(11 * time.Hour), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := Recording{FileID: tc.file, Name: tc.file, Created: tc.created}
			got, _ := m.match(f)
			if got.ID != tc.want {
				t.Errorf("match(%q) = %q, want %q", tc.file, got.ID, tc.want)
			}
		})
	}
}
