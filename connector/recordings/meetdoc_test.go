package recordings

import (
	"io"
	"os"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

// TestParseMeetTranscriptDemo reads the demo meeting's transcript: the
// header is left out, each line is a segment with its speaker, starting at
// its timestamp and ending where the next starts.
func TestParseMeetTranscriptDemo(t *testing.T) {
	t.Parallel()
	text, err := os.ReadFile("../../testdata/workspace/recordings/demo-meeting-transcript.txt")
	if err != nil {
		t.Fatal(err)
	}
	got := parseMeetTranscript(string(text))
	want := []Segment{
		{Start: 0, End: 3 * time.Second, Speaker: "Ada Lovelace", Text: "Welcome to the ScopeTrail demo meeting."},
		{Start: 3 * time.Second, End: 5 * time.Second, Speaker: "Ada Lovelace", Text: "Today we review the quarterly roadmap."},
		{Start: 5 * time.Second, End: 5*time.Second + 14*perWord, Speaker: "Ada Lovelace",
			Text: "Ada will present the budget, and Lei will walk us through the hiring plan."},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("segments (-want +got):\n%s", diff)
	}
}

// TestParseMeetTranscriptGenerated reads the fake's generated transcripts:
// one segment a line, seven seconds apart, speakers in turn.
func TestParseMeetTranscriptGenerated(t *testing.T) {
	t.Parallel()
	speakers := []string{"Zoë Ångström", "李雷", "Speaker 3"}
	text, err := io.ReadAll(workspace.TranscriptBody("1doc", 96*30, speakers).NewReader())
	if err != nil {
		t.Fatal(err)
	}
	got := parseMeetTranscript(string(text))
	if len(got) != 30 {
		t.Fatalf("got %d segments, want 30", len(got))
	}
	for i, s := range got {
		if s.Start != time.Duration(i)*7*time.Second || s.Speaker != speakers[i%3] || s.Text == "" || strings.Contains(s.Text, ":") {
			t.Errorf("segment %d = %+v, want start %ds, speaker %q", i, s, i*7, speakers[i%3])
		}
	}
}

// TestParseMeetTranscriptBlocks reads Meet's other layout: bare timestamps
// every few minutes, speaker turns under them spread over the time between
// by their words, continuation lines joined to their turn, and the end
// taken from the footer. Colons in speech are not speakers.
func TestParseMeetTranscriptBlocks(t *testing.T) {
	t.Parallel()
	text := "Sync - Transcript\r\n\r\nAttendees\r\nAda Lovelace, bob the builder\r\n\r\nTranscript\r\n\r\n" +
		"00:00:00\r\n\r\nAda Lovelace: one two three four\r\nfive six seven eight\r\n" +
		"bob the builder: note: nine ten eleven\r\n\r\n00:01:00\r\n\r\nAda Lovelace: the plan is: ship\r\n" +
		"Transcription ended after 00:02:00\r\n\r\n" +
		"This editable transcript was computer generated and might contain errors.\r\n"
	got := parseMeetTranscript(text)
	want := []Segment{
		{Start: 0, End: 40 * time.Second, Speaker: "Ada Lovelace", Text: "one two three four five six seven eight"},
		{Start: 40 * time.Second, End: time.Minute, Speaker: "bob the builder", Text: "note: nine ten eleven"},
		{Start: time.Minute, End: 2 * time.Minute, Speaker: "Ada Lovelace", Text: "the plan is: ship"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("segments (-want +got):\n%s", diff)
	}
}

// TestParseMeetTranscriptPlain: text without any structure is one run of
// segments without speakers, timed by its words.
func TestParseMeetTranscriptPlain(t *testing.T) {
	t.Parallel()
	got := parseMeetTranscript("hello there\ngeneral kenobi\n")
	want := []Segment{{Start: 0, End: 4 * perWord, Text: "hello there general kenobi"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("segments (-want +got):\n%s", diff)
	}
}

// FuzzParseMeetTranscript: any text parses into segments that the stores
// and the subtitle formats accept.
func FuzzParseMeetTranscript(f *testing.F) {
	f.Add("[00:00:01] Ada: hi\n[00:00:00] Bob: back in time\n")
	f.Add("Attendees\nA, B\nTranscript\n00:10\nA: x\ny\n99:99\nTranscription ended after 1:00:00\n")
	f.Add("[1:2:3] : \x00\xff [00:00:05]")
	f.Fuzz(func(t *testing.T, text string) {
		segs := parseMeetTranscript(text)
		for i, s := range segs {
			if s.End <= s.Start || s.Start < 0 || i > 0 && s.Start < segs[i-1].Start {
				t.Fatalf("segment %d has times %v..%v after %+v", i, s.Start, s.End, segs[max(i-1, 0)])
			}
			if s.Text == "" || !utf8.ValidString(s.Text) || !utf8.ValidString(s.Speaker) ||
				utf8.RuneCountInString(s.Speaker) > maxSpeaker && !strings.Contains(text, s.Speaker) {
				t.Fatalf("segment %d = %+v", i, s)
			}
			if strings.ContainsFunc(s.Text+s.Speaker, unicode.IsControl) {
				t.Fatalf("segment %d keeps a control character: %q", i, s.Text)
			}
		}
	})
}
