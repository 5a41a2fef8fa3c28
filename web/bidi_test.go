package web

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/calendars"
	"github.com/scopetrail/scopetrail/connector/recordings"
	"github.com/scopetrail/scopetrail/scopes/identity"
)

// everyBidiControl is one of each bidirectional formatting character.
const everyBidiControl = "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061C"

// hasBidiControl reports whether s holds any bidirectional formatting
// character.
func hasBidiControl(s string) bool { return strings.ContainsFunc(s, bidiControl) }

// TestHostileNamesOnPages renders real pages with a name, a meeting title,
// a calendar name, an attendee's name and a file name that each try to
// reverse what follows them: no page carries the control characters, and
// each shows where one was.
func TestHostileNamesOnPages(t *testing.T) {
	t.Parallel()
	// Shown as "Mallory <mallory@example.com>" it would read as
	// "Mallory moc.elpmaxe@yrollam" reversed: an address it is not.
	mallory := identity.User{ID: "u-mallory", Email: "mallory@example.com", Name: "Mallory \u202Emoc.live@yrollam", Role: identity.RoleMember}
	h, f := newCalendarsHarness(t, true)
	h.ident.put(mallory)
	h.ident.put(identity.User{ID: "u-every", Email: "every@example.com", Name: "Every" + everyBidiControl + "Control", Role: identity.RoleMember})

	h.signIn(alice)
	users := h.get("/admin/users")
	h.expectStatus(users, http.StatusOK)
	if hasBidiControl(users.Content) {
		t.Errorf("the users page carries bidi controls:\n%q", users.Content)
	}
	for _, want := range []string{"Mallory [U+202E]moc.live@yrollam", "Every[U+202A][U+202B][U+202C][U+202D][U+202E][U+2066][U+2067][U+2068][U+2069][U+200E][U+200F][U+061C]Control", "mallory@example.com"} {
		if !strings.Contains(users.Content, want) {
			t.Errorf("the users page lacks %q", want)
		}
	}

	h.signIn(mallory)
	f.mu.Lock()
	cal := calendars.Calendar{ID: calendars.PrimaryID, Summary: "Team \u2067lacipyt\u2069", Primary: true}
	f.links[mallory.ID] = []calendars.Link{{Calendar: cal, SyncedAt: meetingsNow}}
	f.choices[mallory.ID] = calendars.Choices{Linked: map[string]bool{}, Calendars: []calendars.Calendar{cal,
		{ID: "x@group.calendar.google.com", Summary: "Team \u2067lacipyt\u2069", AccessRole: "reader"}}}
	meeting := calendars.Meeting{ID: "m-hostile", CalendarID: calendars.PrimaryID, EventID: "hostile", Title: "Pay \u202Etxt.exe",
		Start: meetingsNow, End: meetingsNow.Add(30 * time.Minute), Status: "confirmed",
		Attendees:   []calendars.Attendee{{Email: "eve@example.com", DisplayName: "Eve \u202Dmoc.knab@", ResponseStatus: "accepted"}},
		Attachments: []calendars.Attachment{{FileID: "rec9", Title: "Recording \u202E4pm.exe", MimeType: "video/mp4"}}}
	f.meetings[mallory.ID] = []calendars.Meeting{meeting}
	f.files[meeting.ID] = []recordings.Recording{{FileID: "rec9", Kind: recordings.KindRecording, Name: "Recording \u202E4pm.exe", State: recordings.StateDownloaded}}
	f.mu.Unlock()

	for path, wants := range map[string][]string{
		"/calendars":          {"Team [U+2067]lacipyt[U+2069]"},
		"/meetings/m-hostile": {"Pay [U+202E]txt.exe", "Eve [U+202D]moc.knab@", "Recording [U+202E]4pm.exe"},
	} {
		r := h.get(path)
		h.expectStatus(r, http.StatusOK)
		if hasBidiControl(r.Content) {
			t.Errorf("%s carries bidi controls:\n%s", path, r.Content)
		}
		for _, want := range wants {
			if !strings.Contains(r.Content, want) {
				t.Errorf("%s lacks %q:\n%s", path, want, r.Content)
			}
		}
	}
}

// TestNeutraliseBidiKeepsOtherText checks that text without bidi controls,
// right-to-left scripts included, is left exactly as it is.
func TestNeutraliseBidiKeepsOtherText(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "plain", "عمر منصور", "שלום", "Łukasz Østergaard", "<b>&amp;</b>", "\xff broken"} {
		if got := string(neutraliseBidi([]byte(s))); got != s {
			t.Errorf("neutraliseBidi(%q) = %q", s, got)
		}
	}
	if got := string(neutraliseBidi([]byte("a\u202Eb\xffc"))); got != "a[U+202E]b\xffc" {
		t.Errorf("neutraliseBidi kept or broke bytes: %q", got)
	}
}
