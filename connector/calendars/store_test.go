package calendars

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

var storeNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// meeting returns a meeting of a calendar starting hours after storeNow.
func meeting(calendarID, eventID string, hours int) Meeting {
	start := storeNow.Add(time.Duration(hours) * time.Hour)
	return Meeting{ID: meetingID(calendarID, eventID), CalendarID: calendarID, EventID: eventID, Title: "t " + eventID,
		Start: start, End: start.Add(time.Hour), Status: "confirmed", MeetCode: "abc-defg-hij", Organizer: "ada@example.test",
		Attendees:   []Attendee{{Email: "ada@example.test", DisplayName: "Ada", ResponseStatus: "accepted", Organizer: true}},
		Attachments: []Attachment{{FileID: "f1", Title: "t - Recording", MimeType: "video/mp4", FileURL: "https://drive.google.com/open?id=f1"}}}
}

// TestStore runs the store's conformance checks on SQLite and PostgreSQL.
func TestStore(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		s := NewStore(db, func() time.Time { return storeNow })
		from, to := s.Window()
		const user, other = "u1", "u2"
		cals := []Calendar{{ID: PrimaryID, Summary: "Primary", Primary: true, AccessRole: "owner"},
			{ID: "team@group", Summary: "Team", AccessRole: "reader"}}
		for _, u := range []string{user, other} {
			if err := s.setLinks(ctx, u, cals); err != nil {
				t.Fatalf("setLinks: %v", err)
			}
		}
		shared := meeting("team@group", "shared", 2) // also on the primary calendar
		onPrimary := shared
		onPrimary.CalendarID, onPrimary.ID = PrimaryID, meetingID(PrimaryID, "shared")
		series := []Meeting{meeting(PrimaryID, "weekly_20261123T120000Z", 24), meeting(PrimaryID, "weekly_20261130T120000Z", 24*8)}
		full := changes{full: true, at: storeNow, from: from, token: "tok1",
			upserts: append([]Meeting{onPrimary, meeting(PrimaryID, "old", -24*20)}, series...)}
		if stored, removed, err := s.apply(ctx, user, PrimaryID, full); err != nil || stored != 4 || removed != 0 {
			t.Fatalf("apply(full) = %d, %d, %v", stored, removed, err)
		}
		if _, _, err := s.apply(ctx, user, "team@group", changes{full: true, at: storeNow, from: from, upserts: []Meeting{shared}}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.apply(ctx, other, PrimaryID, changes{full: true, at: storeNow, from: from, upserts: []Meeting{meeting(PrimaryID, "x", 1)}}); err != nil {
			t.Fatal(err)
		}
		got, err := s.Meetings(ctx, user, from, to)
		if err != nil {
			t.Fatal(err)
		}
		want := []Meeting{full.upserts[1], onPrimary, series[0], series[1]} // shared listed once
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Meetings (-want +got):\n%s", diff)
		}
		if m, err := s.Meeting(ctx, user, shared.ID); err != nil || !cmp.Equal(m, shared) {
			t.Errorf("Meeting = %+v, %v; want %+v", m, err, shared)
		}
		if _, err := s.Meeting(ctx, other, shared.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("another user's meeting: err = %v, want ErrNotFound", err)
		}

		// An incremental sync: the series is cancelled, one meeting moved out
		// of the window, and the window slid past "old".
		moved := onPrimary
		moved.Title = "renamed"
		later := storeNow.Add(24 * time.Hour * 11)
		laterFrom, _ := Window(later)
		incr := changes{at: later, from: laterFrom, token: "tok2", cancelled: []string{"weekly"}, upserts: []Meeting{moved}}
		if stored, removed, err := s.apply(ctx, user, PrimaryID, incr); err != nil || stored != 1 || removed != 3 {
			t.Fatalf("apply(incremental) = %d, %d, %v; want 1 stored, 3 removed", stored, removed, err)
		}
		st, err := s.state(ctx, user, PrimaryID)
		if err != nil || st.token != "tok2" || !st.fullSyncAt.Equal(storeNow) {
			t.Errorf("state = %+v, %v; want tok2 with the full sync at %v", st, err, storeNow)
		}
		if _, _, err := s.apply(ctx, user, PrimaryID, changes{at: later, from: laterFrom, removed: []string{"shared"}}); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Meetings(ctx, user, from, to); !cmp.Equal(got, []Meeting{shared}) {
			t.Errorf("after the incremental syncs: %+v", got)
		}
		if _, _, err := s.apply(ctx, user, "unlinked", changes{full: true, at: storeNow}); !errors.Is(err, ErrNotFound) {
			t.Errorf("apply to an unlinked calendar: %v, want ErrNotFound", err)
		}

		failure := googlehttp.Failure{Class: googlehttp.ClassTransient, Code: "transient.backendError", Detail: "Google answered 503 backendError"}
		if err := s.recordFailure(ctx, user, "team@group", failure); err != nil {
			t.Fatal(err)
		}
		links, err := s.Links(ctx, user)
		if err != nil {
			t.Fatal(err)
		}
		wantLinks := []Link{{Calendar: cals[0], LinkedAt: storeNow, SyncedAt: later},
			{Calendar: cals[1], LinkedAt: storeNow, SyncedAt: storeNow, SyncError: failure.Code, SyncErrorDetail: failure.Detail}}
		if diff := cmp.Diff(wantLinks, links); diff != "" {
			t.Errorf("Links (-want +got):\n%s", diff)
		}

		if n, err := s.Purge(ctx, user); err != nil || n != 3 { // one meeting, two links
			t.Errorf("Purge = %d, %v; want 3", n, err)
		}
		if got, _ := s.Meetings(ctx, other, from, to); len(got) != 1 {
			t.Errorf("Purge touched another user: %v", got)
		}
	})
}
