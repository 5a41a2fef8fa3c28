package web

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/connector/recordings"
)

// fakeTranscripts serves members' transcripts and search hits from memory.
type fakeTranscripts struct {
	mu sync.Mutex
	// byFile maps a member and a file id to its transcript; a recording
	// transcribed from a Meet transcript maps to that one's.
	byFile  map[string]map[string]recordings.Transcript
	hits    map[string][]recordings.Hit // by member
	queries []string
}

var (
	_ Transcripts = (*fakeTranscripts)(nil)
	_ Transcripts = (*recordings.Service)(nil)
)

func (f *fakeTranscripts) TimedTranscript(_ context.Context, userID, fileID string) (recordings.Transcript, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.byFile[userID][fileID]
	if !ok {
		return recordings.Transcript{}, fmt.Errorf("transcript %s: %w", fileID, recordings.ErrNotFound)
	}
	return t, nil
}

func (f *fakeTranscripts) Search(_ context.Context, userID, query string, limit int) ([]recordings.Hit, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queries = append(f.queries, userID+": "+query)
	return f.hits[userID][:min(limit, len(f.hits[userID]))], nil
}

// standupTranscript is Meet's transcript of bob's standup, with a speaker
// whose name and words would be markup if they were not escaped.
var standupTranscript = recordings.Transcript{Engine: "meet", FileID: "tr1", Text: "…", Segments: []recordings.Segment{
	{Start: 0, End: 65 * time.Second, Speaker: "Alice Admin", Text: "Welcome, let's review the roadmap."},
	{Start: 65*time.Second + 400*time.Millisecond, End: 65*time.Second + 900*time.Millisecond, Speaker: "<b>Bob</b>", Text: "a < b && c --> d"},
	{Start: 65*time.Second + 900*time.Millisecond, End: 3723*time.Second + 5*time.Millisecond, Text: "same second, later"},
}}

// newTranscriptsHarness serves bob's meetings with Transcripts wired: the
// standup's recording and Meet transcript (both give Meet's transcript),
// and the review's recording transcribed by PocketSphinx.
func newTranscriptsHarness(t *testing.T) (*harness, *fakeTranscripts) {
	t.Helper()
	h, f := newCalendarsHarness(t, true)
	withBobsMeetings(f)
	f.files[standup.ID] = []recordings.Recording{
		{FileID: "rec1", Kind: recordings.KindRecording, Name: "Standup - Recording", State: recordings.StateTranscribed, TranscriptFrom: "tr1"},
		{FileID: "tr1", Kind: recordings.KindTranscript, Name: "Standup - Transcript", State: recordings.StateTranscribed}}
	f.files[review.ID] = []recordings.Recording{{FileID: "rec2", Kind: recordings.KindRecording, Name: "Review - Recording", State: recordings.StateTranscribed}}
	ft := &fakeTranscripts{byFile: map[string]map[string]recordings.Transcript{
		bob.ID: {"rec1": standupTranscript, "tr1": standupTranscript,
			"rec2": {Engine: "pocketsphinx", FileID: "rec2", Segments: []recordings.Segment{{Start: 2 * time.Second, End: 4 * time.Second, Text: "rough words"}}}},
		alice.ID: {"rec9": {Engine: "openai", FileID: "rec9", Text: "alice's own", Segments: []recordings.Segment{{End: time.Second, Text: "alice's own"}}}},
	}, hits: map[string][]recordings.Hit{
		bob.ID: {
			{MeetingID: standup.ID, FileID: "tr1", Name: "Standup - Transcript", Seq: 1, Start: 65*time.Second + 400*time.Millisecond, Speaker: "<b>Bob</b>",
				Snippet: []recordings.SnippetPart{{Text: "a < "}, {Text: "b", Match: true}, {Text: " && c"}}},
			{FileID: "lost", Name: "Unmatched - Recording", Start: 3 * time.Second, Snippet: []recordings.SnippetPart{{Text: "b", Match: true}}},
		},
		alice.ID: {{MeetingID: "m-secret", FileID: "rec9", Name: "Alice only", Snippet: []recordings.SnippetPart{{Text: "b", Match: true}}}},
	}}
	deps := h.deps()
	deps.Calendars = &CalendarPages{Calendars: f, Meetings: f, Syncs: f, Recordings: f}
	deps.Transcripts = ft
	h.serve(h.config(), deps)
	return h, ft
}

// TestMeetingTranscript: the meeting page shows Meet's transcript once, as
// timed segments with speakers, escaped, each second anchored; a
// PocketSphinx transcript says it is rough.
func TestMeetingTranscript(t *testing.T) {
	t.Parallel()
	h, _ := newTranscriptsHarness(t)
	h.signIn(bob)
	r := h.get("/meetings/m-standup")
	h.expectStatus(r, http.StatusOK)
	checkPage(t, r, map[string]string{
		"#transcript-tr1 .engine":                        "Transcribed by Google Meet's own transcript.",
		"#tr1-t0 .speaker":                               "Alice Admin",
		`#tr1-t0 a.at[href="#tr1-t0"]`:                   "0:00",
		"#tr1-t65 .speaker":                              "<b>Bob</b>",
		"#tr1-t65 .said":                                 "a < b && c --> d",
		`#transcript-tr1 a[href="/transcripts/tr1.vtt"]`: "WebVTT",
		`#transcript-tr1 a[href="/transcripts/tr1.srt"]`: "SRT",
		`#transcript-tr1 a[href="/transcripts/tr1.txt"]`: "text",
	}, []string{"b", "#transcript-rec1", "#transcript-tr1 .engine em"})
	segs := r.FindAll("#transcript-tr1 li.segment")
	if len(segs) != 3 || browser.Attr(segs[2], "id") != "" || !strings.Contains(browser.Text(segs[2]), "1:05") {
		t.Errorf("got %d segments, the third with id %q and text %q; want 3, the third sharing 1:05 without an id", len(segs), browser.Attr(segs[min(2, len(segs)-1)], "id"), browser.Text(segs[min(2, len(segs)-1)]))
	}
	if n := len(r.FindAll("section.transcript")); n != 1 {
		t.Errorf("%d transcripts on the page, want Meet's once", n)
	}

	r = h.get("/meetings/m-review")
	checkPage(t, r, map[string]string{"#transcript-rec2 .engine": "PocketSphinx, on this server. This is a rough offline transcript",
		"#rec2-t2 .said": "rough words"}, nil)
}

// TestTranscriptSearch: /transcripts searches the signed-in member's own
// transcripts and links each hit to its moment on the meeting page, or to
// the file's page when no meeting matched; matched words are marked.
func TestTranscriptSearch(t *testing.T) {
	t.Parallel()
	h, ft := newTranscriptsHarness(t)
	h.signIn(bob)
	r := h.get("/transcripts")
	h.expectStatus(r, http.StatusOK)
	checkPage(t, r, map[string]string{`form#search[action="/transcripts"] input[name=q]`: ""}, []string{"#hits", "#no-hits"})

	r = h.get("/transcripts?q=" + "%22b%22+NEAR+-x*")
	h.expectStatus(r, http.StatusOK)
	checkPage(t, r, map[string]string{
		`#hits a.moment[href="/meetings/m-standup#tr1-t65"]`: "Standup - Transcript at 1:05",
		"#hits .hit .speaker":                                "<b>Bob</b>",
		"#hits .hit .snippet":                                "a < b && c",
		"#hits .hit .snippet mark":                           "b",
		`#hits a.moment[href="/recordings/lost"]`:            "Unmatched - Recording at 0:03",
	}, []string{"b", `a[href="/meetings/m-secret"]`})
	if got := browser.Attr(r.Find("input#q"), "value"); got != `"b" NEAR -x*` {
		t.Errorf("the search box holds %q, want the query", got)
	}
	if got := browser.Attr(r.Find("input#q"), "value"); got != `"b" NEAR -x*` {
		t.Errorf("the search box holds %q, want the query", got)
	}
	if want := []string{bob.ID + `: "b" NEAR -x*`}; !cmp.Equal(ft.queries, want) {
		t.Errorf("searches sent %q, want %q", ft.queries, want)
	}

	h.signIn(rita)
	r = h.get("/transcripts?q=b")
	checkPage(t, r, map[string]string{"#no-hits": "No transcript of yours"}, []string{"#hits"})
}

// TestTranscriptDownloads compares the text, WebVTT and SRT downloads with
// testdata/transcript.*.golden; run with -update after a deliberate change.
func TestTranscriptDownloads(t *testing.T) {
	t.Parallel()
	h, _ := newTranscriptsHarness(t)
	h.signIn(bob)
	for _, tc := range []struct{ ext, contentType string }{
		{"txt", "text/plain; charset=utf-8"},
		{"vtt", "text/vtt; charset=utf-8"},
		{"srt", "application/x-subrip; charset=utf-8"},
	} {
		r := h.get("/transcripts/rec1." + tc.ext)
		h.expectStatus(r, http.StatusOK)
		if got := r.Header.Get("Content-Type"); got != tc.contentType {
			t.Errorf(".%s Content-Type = %q, want %q", tc.ext, got, tc.contentType)
		}
		if got, want := r.Header.Get("Content-Disposition"), `attachment; filename=transcript-tr1.`+tc.ext; got != want {
			t.Errorf(".%s Content-Disposition = %q, want %q", tc.ext, got, want)
		}
		path := filepath.Join("testdata", "transcript."+tc.ext+".golden")
		if *update {
			if err := os.WriteFile(path, []byte(r.Content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if diff := cmp.Diff(string(want), r.Content); diff != "" {
			t.Errorf(".%s differs from %s (-want +got):\n%s", tc.ext, path, diff)
		}
	}
	for _, path := range []string{"/transcripts/rec1.pdf", "/transcripts/rec1", "/transcripts/rec9.vtt", "/transcripts/nope.txt"} {
		if r := h.get(path); r.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, r.StatusCode)
		}
	}
}

// TestTranscriptsNeedSignInAndWiring: the pages are a member's, and are
// not there at all when Transcripts is not wired.
func TestTranscriptsNeedSignInAndWiring(t *testing.T) {
	t.Parallel()
	h, _ := newTranscriptsHarness(t)
	for _, path := range []string{"/transcripts?q=b", "/transcripts/rec1.vtt"} {
		if r := h.get(path); r.StatusCode != http.StatusSeeOther || r.Location() != "/" {
			t.Errorf("GET %s anonymously: %d to %q, want 303 to /", path, r.StatusCode, r.Location())
		}
	}
	plain, _ := newCalendarsHarness(t, true)
	plain.signIn(bob)
	if r := plain.get("/transcripts?q=b"); r.StatusCode != http.StatusNotFound {
		t.Errorf("GET /transcripts without Transcripts = %d, want 404", r.StatusCode)
	}
}
