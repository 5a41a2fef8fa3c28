package recordings_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/connector/recordings"
)

// want is what a test expects of a discovered file.
type want struct {
	Kind      recordings.Kind
	MeetingID string
	Size      int64
	MD5       string
}

// expected returns what discovery should find: every Meet file the member
// can see, matched to the meeting it came from.
func (h *harness) expected() map[string]want {
	out := map[string]want{}
	for id, f := range h.meetFiles() {
		w := want{Kind: recordings.KindTranscript, MeetingID: meetingID(f.EventID)}
		if f.MimeType == workspace.MimeMP4 {
			w.Kind, w.Size, w.MD5 = recordings.KindRecording, f.Size, f.Checksum()
		}
		out[id] = w
	}
	return out
}

// found returns what the service stored, in the shape of expected.
func found(t *testing.T, s *recordings.Service, userID string) map[string]want {
	t.Helper()
	list, err := s.List(context.Background(), userID)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	out := map[string]want{}
	for _, r := range list {
		out[r.FileID] = want{Kind: r.Kind, MeetingID: r.MeetingID, Size: r.Size, MD5: r.MD5}
	}
	return out
}

// TestDiscover finds the member's files in their folder and on their
// meetings, and matches each to its meeting by attachment, or by the title
// and time in its name when the meetings carry no attachments.
func TestDiscover(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name          string
		noAttachments bool
	}{
		{"attachments and folder", false},
		{"names only", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, options{})
			s := h.service(func(o *recordings.Options) {
				o.Meetings = &wsMeetings{ws: h.Workspace, email: h.email, noAttachments: tc.noAttachments}
			})
			want := h.expected()
			if tc.noAttachments {
				// Without attachments, files shared by other organizers are
				// out of reach: only the folder is listed.
				for id, f := range h.meetFiles() {
					if !strings.EqualFold(f.Owner, h.email) {
						delete(want, id)
					}
				}
			}
			got, err := s.Discover(context.Background(), h.userID)
			if err != nil {
				t.Fatalf("Discover: %v", err)
			}
			if got.Files != len(want) || got.Matched != len(want) || len(want) < 4 {
				t.Errorf("Discover = %+v, want %d files, all matched", got, len(want))
			}
			if diff := cmp.Diff(want, found(t, s, h.userID)); diff != "" {
				t.Errorf("stored files (-want +got):\n%s", diff)
			}
			for _, m := range h.methods() {
				if m != "drive.files.list" && m != "drive.files.get" {
					t.Errorf("discovery called %s", m)
				}
			}
		})
	}
}

// TestProcess downloads every recording, imports every transcript and
// transcribes each recording with Meet's transcript of its meeting.
func TestProcess(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{})
	s := h.service(nil)
	ctx := context.Background()
	if err := s.Sync(ctx, h.userID); err != nil {
		t.Fatalf("Sync: %v", err)
	}
	list, err := s.List(ctx, h.userID)
	if err != nil {
		t.Fatal(err)
	}
	files := h.meetFiles()
	transcripts := map[string]string{} // meeting id → transcript file id
	for _, r := range list {
		if r.Kind == recordings.KindTranscript {
			transcripts[r.MeetingID] = r.FileID
		}
	}
	for _, r := range list {
		f := files[r.FileID]
		switch r.Kind {
		case recordings.KindTranscript:
			if r.State != recordings.StateTranscribed {
				t.Errorf("transcript %s is %s (%s), want transcribed", r.FileID, r.State, r.Reason)
			}
			text, err := s.Transcript(ctx, h.userID, r.FileID)
			if err != nil || text != exportText(t, f) {
				t.Errorf("transcript %s: %d bytes, %v; want the export", r.FileID, len(text), err)
			}
		case recordings.KindRecording:
			if got := fileMD5(t, r.Path); got != f.Checksum() {
				t.Errorf("recording %s spooled with md5 %s, want %s", r.FileID, got, f.Checksum())
			}
			doc, ok := transcripts[r.MeetingID]
			switch {
			case ok && (r.State != recordings.StateTranscribed || r.TranscriptFrom != doc):
				t.Errorf("recording %s is %s from %q (%s), want transcribed from %s", r.FileID, r.State, r.TranscriptFrom, r.Reason, doc)
			case !ok && (r.State != recordings.StateQueued || r.Reason != recordings.CodeWaitNoTranscript):
				t.Errorf("recording %s without a transcript is %s (%s), want queued", r.FileID, r.State, r.Reason)
			}
		}
	}
}

// exportText returns the text/plain export of a transcript.
func exportText(t *testing.T, f *workspace.File) string {
	t.Helper()
	b, err := io.ReadAll(f.ExportText.NewReader())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fileMD5 returns the hex md5 of a file.
func fileMD5(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("opening the spooled file: %v", err)
	}
	defer f.Close()
	h := md5.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// spooled returns the files under a spool directory.
func spooled(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// firstRecording discovers the member's files and returns a recording of
// a meeting that also has a transcript.
func firstRecording(t *testing.T, h *harness, s *recordings.Service) (rec, doc recordings.Recording) {
	t.Helper()
	if _, err := s.Discover(context.Background(), h.userID); err != nil {
		t.Fatalf("Discover: %v", err)
	}
	list, err := s.List(context.Background(), h.userID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range list {
		for _, d := range list {
			if r.Kind == recordings.KindRecording && d.Kind == recordings.KindTranscript && r.MeetingID == d.MeetingID {
				return r, d
			}
		}
	}
	t.Fatal("no meeting has both a recording and a transcript")
	return
}

// TestRequestsAskOnlyForFields checks that each Drive request names the
// fields it uses, and that downloads and exports ask for content only.
func TestRequestsAskOnlyForFields(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{})
	s := h.service(nil)
	if err := s.Sync(context.Background(), h.userID); err != nil {
		t.Fatalf("Sync: %v", err)
	}
	seen := map[string]int{}
	for _, u := range h.sent.take() {
		q := u.Query()
		kind := "metadata"
		switch {
		case strings.HasSuffix(u.Path, "/export"):
			kind = "export"
			if q.Get("mimeType") != "text/plain" {
				t.Errorf("export as %q", q.Get("mimeType"))
			}
		case q.Get("alt") == "media":
			kind = "download"
		case q.Get("fields") == "":
			t.Errorf("%s asks for every field", u.Path)
		case strings.HasSuffix(u.Path, "/files") && !strings.Contains(q.Get("q"), "trashed = false"):
			t.Errorf("files.list query %q lists trashed files", q.Get("q"))
		}
		if f := q.Get("fields"); f != "" && !strings.Contains(f, "id,name,mimeType,size,md5Checksum,createdTime,modifiedTime") && f != "nextPageToken,files(id)" {
			t.Errorf("%s asks for fields %q", u.Path, f)
		}
		seen[kind]++
	}
	if seen["metadata"] == 0 || seen["download"] == 0 || seen["export"] == 0 {
		t.Errorf("requests by kind: %v; want metadata, downloads and exports", seen)
	}
}

// TestSyncEnqueues schedules each pending file as a job when Enqueue is
// set, sending no download or export itself; Retry schedules too.
func TestSyncEnqueues(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{})
	var queued []string
	s := h.service(func(o *recordings.Options) {
		o.Enqueue = func(_ context.Context, r recordings.Recording) (recordings.Queued, error) {
			queued = append(queued, r.FileID)
			return recordings.Queued{Status: recordings.QueuedNow}, nil
		}
	})
	ctx := context.Background()
	if err := s.Sync(ctx, h.userID); err != nil {
		t.Fatalf("Sync: %v", err)
	}
	var want []string
	list, _ := s.List(ctx, h.userID)
	for _, r := range list {
		if r.State != recordings.StateFound {
			t.Errorf("%s is %s before its job ran", r.FileID, r.State)
		}
		want = append(want, r.FileID)
	}
	if diff := cmp.Diff(want, queued); diff != "" {
		t.Errorf("queued (-want +got):\n%s", diff)
	}
	for _, u := range h.sent.take() {
		if q := u.Query(); q.Get("alt") == "media" || strings.HasSuffix(u.Path, "/export") {
			t.Errorf("Sync fetched content: %s", u.Path)
		}
	}
	if q, err := s.Retry(ctx, h.userID, want[0]); err != nil || q.Status != recordings.QueuedNow || queued[len(queued)-1] != want[0] {
		t.Errorf("Retry = %+v, %v, queued %q; want %s queued", q, err, queued, want[0])
	}
}
