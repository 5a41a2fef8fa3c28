package web

import (
	"net/http"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/calendars"
	"github.com/scopetrail/scopetrail/connector/recordings"
	"github.com/scopetrail/scopetrail/connector/revoke"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
)

// TestRecordingsEmptyStates: the recordings page always offers the next
// step: grant Drive when it is not granted (or the grant was revoked), say
// which admin suspended it, when and why, turn Recordings on again when
// the member turned it off, reconnect, or, granted with nothing found yet,
// say what is searched and offer a Sync button.
func TestRecordingsEmptyStates(t *testing.T) {
	t.Parallel()
	drive := []string{scopes.DriveReadonly}
	tests := []struct {
		name   string
		grant  *grant.Grant
		note   *revoke.Suspension
		want   map[string]string
		absent []string
	}{
		{
			name: "nothing granted",
			want: map[string]string{
				"#grant-drive h2": "Grant Drive to see recordings",
				`#grant-drive form[method=post][action="/link/recordings"] input[name=csrf_token]`: "",
				`#grant-drive form button`: "Grant Drive",
			},
			absent: []string{"#no-files", "form#sync", "#drive-suspended"},
		},
		{
			name:   "revoked",
			grant:  &grant.Grant{UserID: bob.ID, Scopes: drive, Status: grant.StatusRevoked, Reason: "by admin"},
			want:   map[string]string{`#grant-drive form button`: "Grant Drive"},
			absent: []string{"#no-files", "form#sync"},
		},
		{
			name:   "calendars only",
			grant:  &grant.Grant{UserID: bob.ID, Scopes: []string{scopes.CalendarReadonly}, Status: grant.StatusActive},
			want:   map[string]string{"#grant-drive h2": "Grant Drive to see recordings"},
			absent: []string{"#no-files"},
		},
		{
			name:  "suspended by an admin",
			grant: &grant.Grant{UserID: bob.ID, Scopes: drive, Suspended: drive, Status: grant.StatusActive},
			note:  &revoke.Suspension{By: revoke.Actor{ID: alice.ID, Email: alice.Email}, Reason: "unused for 90 days"},
			want: map[string]string{
				"#drive-suspended":              "is suspended by alice@example.com on Sun 1 Mar 2026, 09:00 UTC, because: unused for 90 days",
				"#drive-suspended p:last-child": "Ask an admin to lift the suspension.",
			},
			absent: []string{"#grant-drive", "form#sync", "#drive-suspended form", "#no-files"},
		},
		{
			name:  "turned off",
			grant: &grant.Grant{UserID: bob.ID, Scopes: drive, Suspended: drive, Status: grant.StatusActive},
			note:  &revoke.Suspension{By: revoke.Actor{ID: bob.ID, Email: bob.Email}, Reason: "turned off: recordings"},
			want: map[string]string{
				"#drive-suspended p": "You turned Recordings off on Sun 1 Mar 2026, 09:00 UTC",
				`#drive-suspended form[action="/link/recordings"] button`: "Turn Recordings on again",
			},
			absent: []string{"#grant-drive", "form#sync", "#no-files"},
		},
		{
			name:   "reconnect",
			grant:  &grant.Grant{UserID: bob.ID, Scopes: drive, Status: grant.StatusReconnectNeeded, Reason: "invalid_grant"},
			want:   map[string]string{`#drive-reconnect form[action="/link/recordings"] button`: "Reconnect"},
			absent: []string{"#grant-drive", "form#sync"},
		},
		{
			name:  "granted, nothing yet",
			grant: &grant.Grant{UserID: bob.ID, Scopes: drive, Status: grant.StatusActive},
			want: map[string]string{
				"#no-files": "ScopeTrail looks in your Drive's Meet Recordings folder and at the files attached to your meetings",
				`form#sync[method=post][action="/recordings/sync"] button`: "Sync now",
			},
			absent: []string{"#grant-drive", "#drive-suspended", "#drive-reconnect", "table"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rev := &fakeRevocations{}
			if tc.note != nil {
				n := *tc.note
				n.UserID, n.Scope, n.At = bob.ID, scopes.DriveReadonly, time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
				rev.note(n)
			}
			h, f := newRecordingsHarness(t, func(d *Deps) {
				d.LinkSyncs = &fakeLinkSyncs{}
				d.Revocations = rev
			})
			f.files[bob.ID] = nil
			delete(h.grants.grants, bob.ID)
			if tc.grant != nil {
				h.grants.put(*tc.grant)
			}
			h.signIn(bob)
			r := h.get("/recordings")
			h.expectStatus(r, http.StatusOK)
			checkPage(t, r, tc.want, tc.absent)
		})
	}
}

// TestRecordingsSyncNow: the Sync button looks for the member's files now,
// in the background, and says so.
func TestRecordingsSyncNow(t *testing.T) {
	t.Parallel()
	syncs := &fakeLinkSyncs{}
	h, _ := newRecordingsHarness(t, func(d *Deps) { d.LinkSyncs = syncs })
	h.signIn(bob)
	checkPage(t, h.get("/recordings"), map[string]string{"form#sync button": "Sync now"}, nil)
	r := h.post("/recordings/sync", nil)
	h.expectStatus(r, http.StatusSeeOther)
	if r.Location() != "/recordings" {
		t.Errorf("sync redirected to %q", r.Location())
	}
	checkPage(t, h.get("/recordings"), map[string]string{".flash.ok": "looking for your recordings"}, nil)
	if len(syncs.queued) != 1 || syncs.queued[0] != "recordings "+bob.ID {
		t.Errorf("queued %q, want one recordings sync for bob", syncs.queued)
	}
	h.expectStatus(h.do(http.MethodPost, "/recordings/sync", nil, nil), http.StatusForbidden)
}

// TestRecordingsMeetingColumn: with the calendars wired, each file names
// its meeting and links to it, and its date is in the member's zone.
func TestRecordingsMeetingColumn(t *testing.T) {
	t.Parallel()
	cals := newFakeCalendars()
	cals.meetings[bob.ID] = []calendars.Meeting{{ID: "m1", Title: "Weekly <sync>", Start: recCreated.Add(-35 * time.Minute),
		End: recCreated.Add(25 * time.Minute), MeetCode: "abc-defg-hij"}}
	h, f := newRecordingsHarness(t, func(d *Deps) { d.Calendars = &CalendarPages{Calendars: cals, Meetings: cals, Syncs: cals} })
	f.files[bob.ID] = append(f.files[bob.ID], recordings.Recording{UserID: bob.ID, FileID: "1old", Kind: recordings.KindRecording,
		Name: "Gone - Recording", Created: recCreated, MeetingID: "m-gone", MeetCode: "zzz-zzzz-zzz", State: recordings.StateTranscribed})
	h.signIn(bob)
	r := h.get("/recordings")
	checkPage(t, r, map[string]string{
		`#file-1rec .meeting a[href="/meetings/m1"]`: "Weekly <sync>",
		`#file-1doc .meeting a[href="/meetings/m1"]`: "Weekly <sync>",
		"#file-1old .meeting code":                   "zzz-zzzz-zzz",
		"#file-1bad .meeting":                        "none matched",
	}, []string{"#file-1old .meeting a"})

	// Dates are in the zone of the member's primary calendar, or the one
	// ?tz= asks for, as on the meetings pages.
	cals.mu.Lock()
	cals.links[bob.ID] = []calendars.Link{{Calendar: calendars.Calendar{ID: calendars.PrimaryID, Summary: "bob@example.com",
		Primary: true, TimeZone: "Europe/Paris"}}}
	cals.mu.Unlock()
	checkPage(t, h.get("/recordings"), map[string]string{"#file-1rec .date": "Fri 20 Nov 2026, 16:35 CET"}, nil)
	checkPage(t, h.get("/recordings/1rec"), map[string]string{"#created": "Fri 20 Nov 2026, 16:35 CET"}, nil)
	checkPage(t, h.get("/recordings?tz=Asia/Tokyo"), map[string]string{"#file-1rec .date": "Sat 21 Nov 2026, 00:35 JST"}, nil)
	h.expectStatus(h.get("/recordings?tz=Mars/Olympus"), http.StatusBadRequest)
}
