package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/recordings"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
)

// fakeRecordings serves the recordings pages from memory.
type fakeRecordings struct {
	mu          sync.Mutex
	files       map[string][]recordings.Recording // by user
	transcripts map[string]string                 // by file id
	retried     []string
	// busy, when set, is what Retry answers instead of queued.
	busy recordings.Queued
}

var _ Recordings = (*fakeRecordings)(nil)

func (f *fakeRecordings) List(_ context.Context, userID string) ([]recordings.Recording, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.files[userID], nil
}

func (f *fakeRecordings) Recording(_ context.Context, userID, fileID string) (recordings.Recording, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.files[userID] {
		if r.FileID == fileID {
			return r, nil
		}
	}
	return recordings.Recording{}, fmt.Errorf("recording %s: %w", fileID, recordings.ErrNotFound)
}

func (f *fakeRecordings) Transcript(ctx context.Context, userID, fileID string) (string, error) {
	r, err := f.Recording(ctx, userID, fileID)
	if err != nil {
		return "", err
	}
	if r.TranscriptFrom != "" {
		fileID = r.TranscriptFrom
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.transcripts[fileID], nil
}

func (f *fakeRecordings) Retry(ctx context.Context, userID, fileID string) (recordings.Queued, error) {
	if _, err := f.Recording(ctx, userID, fileID); err != nil {
		return recordings.Queued{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.retried = append(f.retried, userID+"/"+fileID)
	if f.busy.Status != "" {
		return f.busy, nil
	}
	return recordings.Queued{Status: recordings.QueuedNow}, nil
}

// Bob's files: a transcribed recording, its Meet transcript, a failed
// recording and one being downloaded.
var (
	recCreated   = time.Date(2026, 11, 20, 15, 35, 0, 0, time.UTC)
	bobRecording = recordings.Recording{UserID: bob.ID, FileID: "1rec", Kind: recordings.KindRecording,
		Name: "Weekly <sync> - 2026/11/20 15:00 UTC - Recording", MimeType: "video/mp4", Size: 300 << 20,
		MD5: "0123456789abcdef0123456789abcdef", Created: recCreated, MeetingID: "m1", MeetCode: "abc-defg-hij",
		State: recordings.StateTranscribed, Done: 300 << 20, TranscriptFrom: "1doc"}
	bobTranscript = recordings.Recording{UserID: bob.ID, FileID: "1doc", Kind: recordings.KindTranscript,
		Name: "Weekly <sync> - 2026/11/20 15:00 UTC - Transcript", Created: recCreated, MeetingID: "m1",
		State: recordings.StateTranscribed}
	bobFailed = recordings.Recording{UserID: bob.ID, FileID: "1bad", Kind: recordings.KindRecording, Name: "Retro - Recording",
		Size: 2048, Created: recCreated, State: recordings.StateFailed,
		Reason: "transient.backendError", ReasonDetail: "Google answered 503 backendError: The service is currently unavailable. (after 6 attempts)"}
	bobPartial = recordings.Recording{UserID: bob.ID, FileID: "1part", Kind: recordings.KindRecording, Name: "Demo - Recording",
		Size: 10 << 20, Done: 5 << 20, Created: recCreated, State: recordings.StateDownloading}
)

// newRecordingsHarness is newHarness with the recordings pages served by
// a fakeRecordings holding Bob's files, Bob's Drive granted; edit may add
// to the Deps.
func newRecordingsHarness(t *testing.T, edit ...func(*Deps)) (*harness, *fakeRecordings) {
	t.Helper()
	h := newHarness(t)
	h.grants.put(grant.Grant{UserID: bob.ID, Scopes: []string{scopes.DriveReadonly}, Status: grant.StatusActive})
	f := &fakeRecordings{
		files:       map[string][]recordings.Recording{bob.ID: {bobRecording, bobTranscript, bobFailed, bobPartial}},
		transcripts: map[string]string{"1doc": "[00:00:01] Ada: <script>alert(1)</script> & welcome"},
	}
	deps := h.deps()
	deps.Recordings = &RecordingPages{Recordings: f}
	for _, e := range edit {
		e(&deps)
	}
	cfg := h.config()
	cfg.Logger = slog.New(slog.NewTextHandler(h.logs, nil))
	h.serve(cfg, deps)
	return h, f
}

func TestRecordingPages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		path   string
		status int
		want   map[string]string
		absent []string
	}{
		{
			name: "list", path: "/recordings", status: http.StatusOK,
			want: map[string]string{
				`nav a[href="/recordings"]`:                              "Recordings",
				`#file-1rec a.name[href="/recordings/1rec"]`:             "Weekly <sync> - 2026/11/20 15:00 UTC - Recording",
				"#file-1rec .size":                                       "300.0 MiB",
				"#file-1rec .state":                                      "transcribed",
				"#file-1doc .kind":                                       "transcript",
				"#file-1bad .failed .reason":                             "Google did not answer properly",
				"#file-1part .state":                                     "downloading",
				`#file-1rec .date time[datetime="2026-11-20T15:35:00Z"]`: "Fri 20 Nov 2026, 15:35 UTC",
				"#file-1rec .meeting code":                               "abc-defg-hij",
				"#file-1bad .meeting":                                    "none matched",
				`#file-1part [data-progress="/recordings/1part/progress"] [data-progress-text]`: "5.0 MiB of 10.0 MiB downloaded",
				`#file-1part progress[value="50"]`:                                              "50%",
			},
			absent: []string{"#no-files", "#file-1rec b", "#file-1rec [data-progress]", "#file-1bad [data-progress]", "#grant-drive"},
		},
		{
			name: "transcribed recording", path: "/recordings/1rec", status: http.StatusOK,
			want: map[string]string{
				"title":                          "Weekly <sync> - 2026/11/20 15:00 UTC - Recording · ScopeTrail",
				"h1":                             "Weekly <sync>",
				"#state":                         "transcribed",
				"#size":                          "300.0 MiB",
				"#md5":                           "0123456789abcdef0123456789abcdef",
				"#meet":                          "abc-defg-hij",
				`a#meeting[href="/meetings/m1"]`: "The meeting",
				"#from-meet":                     "Google Meet's own transcript",
				"pre#transcript":                 "[00:00:01] Ada: <script>alert(1)</script> & welcome",
				`#created time[datetime="2026-11-20T15:35:00Z"]`: "Fri 20 Nov 2026, 15:35 UTC",
			},
			absent: []string{"form#retry", "#reason", "#no-transcript", "#progress", "pre#transcript script"},
		},
		{
			name: "failed recording", path: "/recordings/1bad", status: http.StatusOK,
			want: map[string]string{
				"#state.failed": "failed",
				"#reason":       "Google did not answer properly. Google answered 503 backendError: The service is currently unavailable. (after 6 attempts)",
				"#size":         "2.0 KiB",
				`form#retry[method=post][action="/recordings/1bad/retry"] input[name=csrf_token]`: "",
				"form#retry button": "Retry",
				"#no-transcript":    "No transcript yet.",
			},
			absent: []string{"a#meeting", "#transcript", "#md5"},
		},
		{
			name: "download in progress", path: "/recordings/1part", status: http.StatusOK,
			want: map[string]string{"#state": "downloading", "#live h2": "Downloading",
				`#live [data-progress="/recordings/1part/progress"][aria-live=polite] [data-progress-text]`: "5.0 MiB of 10.0 MiB downloaded",
				`head script[src="/static/progress.js"]`:                                                    ""},
			absent: []string{"form#retry", "#player"},
		},
		{
			name: "someone else's file", path: "/recordings/nope", status: http.StatusNotFound,
			want: map[string]string{"main": "We could not find that page."},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h, _ := newRecordingsHarness(t)
			h.signIn(bob)
			r := h.get(tc.path)
			h.expectStatus(r, tc.status)
			checkPage(t, r, tc.want, tc.absent)
			if strings.Contains(r.Content, "<script>alert") {
				t.Error("the transcript is not escaped")
			}
		})
	}
}

func TestRecordingRetry(t *testing.T) {
	t.Parallel()
	h, f := newRecordingsHarness(t)
	h.signIn(bob)
	r := h.post("/recordings/1bad/retry", nil)
	h.expectStatus(r, http.StatusSeeOther)
	if r.Location() != "/recordings/1bad?retry=queued" {
		t.Errorf("retry redirected to %q", r.Location())
	}
	if diff := cmp.Diff([]string{bob.ID + "/1bad"}, f.retried); diff != "" {
		t.Errorf("retried (-want +got):\n%s", diff)
	}
	page := h.get(r.Location())
	checkPage(t, page, map[string]string{"#retried": "reload in a moment"}, nil)

	// Another member cannot retry Bob's file, and a retry needs the form's
	// CSRF token.
	h.expectStatus(h.post("/recordings/nope/retry", nil), http.StatusNotFound)
	h.expectStatus(h.do(http.MethodPost, "/recordings/1bad/retry", nil, nil), http.StatusForbidden)
	if len(f.retried) != 1 {
		t.Errorf("retried %q", f.retried)
	}
}

func TestRecordingPagesNeedSignIn(t *testing.T) {
	t.Parallel()
	h, _ := newRecordingsHarness(t)
	for _, path := range []string{"/recordings", "/recordings/1rec"} {
		r := h.get(path)
		if r.StatusCode != http.StatusSeeOther && r.StatusCode != http.StatusUnauthorized {
			t.Errorf("GET %s signed out: status %d", path, r.StatusCode)
		}
		if strings.Contains(r.Content, "Weekly") {
			t.Errorf("GET %s signed out shows a recording", path)
		}
	}
}
