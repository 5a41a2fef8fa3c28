package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/recordings"
	"github.com/scopetrail/scopetrail/scopes/grant"
)

// fakeMedia serves spooled recordings from memory, by member and file id.
type fakeMedia struct {
	mu      sync.Mutex
	files   map[string]map[string][]byte
	types   map[string]string // by file id; video/mp4 when missing
	revoked map[string]bool   // members whose grant is revoked
}

var (
	_ RecordingMedia = (*fakeMedia)(nil)
	_ RecordingMedia = (*recordings.Service)(nil)
)

// mediaModTime is when the fake's files were spooled.
var mediaModTime = time.Date(2026, 11, 20, 16, 0, 0, 0, time.UTC)

func (f *fakeMedia) OpenMedia(_ context.Context, userID, fileID string) (recordings.Media, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.revoked[userID] {
		return recordings.Media{}, fmt.Errorf("playing %s: %w", fileID, grant.ErrRevoked)
	}
	b, ok := f.files[userID][fileID]
	if !ok {
		return recordings.Media{}, fmt.Errorf("playing %s: %w", fileID, recordings.ErrNotSpooled)
	}
	ct := f.types[fileID]
	if ct == "" {
		ct = "video/mp4"
	}
	return recordings.Media{File: nopSeekCloser{bytes.NewReader(b)}, Size: int64(len(b)), ModTime: mediaModTime,
		ContentType: ct, MD5: bobRecording.MD5, Name: bobRecording.Name}, nil
}

// nopSeekCloser is a bytes.Reader with a Close that does nothing.
type nopSeekCloser struct{ *bytes.Reader }

func (nopSeekCloser) Close() error { return nil }

// bobVideo is the spooled content of Bob's transcribed recording.
var bobVideo = func() []byte {
	b := make([]byte, 4096)
	for i := range b {
		b[i] = byte(i * 7)
	}
	return b
}()

// newMediaHarness serves Bob's recordings with his transcribed recording
// spooled.
func newMediaHarness(t *testing.T, edit ...func(*Deps)) (*harness, *fakeMedia) {
	t.Helper()
	m := &fakeMedia{files: map[string]map[string][]byte{bob.ID: {"1rec": bobVideo}}, types: map[string]string{}, revoked: map[string]bool{}}
	h, _ := newRecordingsHarness(t, append([]func(*Deps){func(d *Deps) { d.Recordings.Media = m }}, edit...)...)
	return h, m
}

// TestRecordingMediaRanges plays Bob's recording as a browser's player
// does: Range requests get 206 with the bytes asked for, a range past the
// end 416, a repeated request with the ETag 304, and the whole file 200.
func TestRecordingMediaRanges(t *testing.T) {
	t.Parallel()
	h, _ := newMediaHarness(t)
	h.signIn(bob)
	etag := `"` + bobRecording.MD5 + `"`
	tests := []struct {
		name    string
		header  http.Header
		status  int
		body    []byte
		headers map[string]string
	}{
		{name: "first bytes", header: http.Header{"Range": {"bytes=0-99"}}, status: http.StatusPartialContent, body: bobVideo[:100],
			headers: map[string]string{"Content-Range": "bytes 0-99/4096", "Content-Length": "100", "Content-Type": "video/mp4",
				"Accept-Ranges": "bytes", "ETag": etag, "Last-Modified": "Fri, 20 Nov 2026 16:00:00 GMT", "Cache-Control": "private, no-cache"}},
		{name: "open-ended", header: http.Header{"Range": {"bytes=4000-"}}, status: http.StatusPartialContent, body: bobVideo[4000:],
			headers: map[string]string{"Content-Range": "bytes 4000-4095/4096"}},
		{name: "suffix", header: http.Header{"Range": {"bytes=-10"}}, status: http.StatusPartialContent, body: bobVideo[4086:],
			headers: map[string]string{"Content-Range": "bytes 4086-4095/4096"}},
		{name: "past the end", header: http.Header{"Range": {"bytes=5000-6000"}}, status: http.StatusRequestedRangeNotSatisfiable,
			headers: map[string]string{"Content-Range": "bytes */4096"}},
		{name: "not a range", header: http.Header{"Range": {"bytes=9-2"}}, status: http.StatusRequestedRangeNotSatisfiable},
		{name: "whole", status: http.StatusOK, body: bobVideo,
			headers: map[string]string{"Content-Length": "4096", "Content-Disposition": "inline; filename=\"Weekly _sync_ - 2026_11_20 15_00 UTC - Recording.mp4\""}},
		{name: "cached", header: http.Header{"If-None-Match": {etag}}, status: http.StatusNotModified},
		{name: "changed since", header: http.Header{"Range": {"bytes=0-9"}, "If-Range": {`"another"`}}, status: http.StatusOK, body: bobVideo},
	}
	for _, tc := range tests {
		r := h.do(http.MethodGet, "/recordings/1rec/media", nil, tc.header)
		if r.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, r.StatusCode, tc.status)
			continue
		}
		if tc.body != nil && !bytes.Equal([]byte(r.Content), tc.body) {
			t.Errorf("%s: got %d bytes, not the %d asked for", tc.name, len(r.Content), len(tc.body))
		}
		for k, v := range tc.headers {
			if got := r.Header.Get(k); got != v {
				t.Errorf("%s: %s = %q, want %q", tc.name, k, got, v)
			}
		}
	}

	r := h.get("/recordings/1rec/media?download=1")
	h.expectStatus(r, http.StatusOK)
	if got, want := r.Header.Get("Content-Disposition"), "attachment; filename=\"Weekly _sync_ - 2026_11_20 15_00 UTC - Recording.mp4\""; got != want {
		t.Errorf("download: Content-Disposition = %q, want %q", got, want)
	}
	head := h.do(http.MethodHead, "/recordings/1rec/media", nil, nil)
	if head.StatusCode != http.StatusOK || head.Header.Get("Content-Length") != "4096" || head.Content != "" {
		t.Errorf("HEAD: status %d, length %q, %d bytes of body", head.StatusCode, head.Header.Get("Content-Length"), len(head.Content))
	}
}

// TestRecordingMediaOnlyToItsOwner: nobody but the recording's owner gets
// its bytes, an admin neither; a recording not spooled, a transcript, a
// member revoked and a visitor signed out get nothing either.
func TestRecordingMediaOnlyToItsOwner(t *testing.T) {
	t.Parallel()
	h, m := newMediaHarness(t)
	for _, path := range []string{"/recordings/1rec/media", "/recordings/1rec/media?download=1"} {
		r := h.get(path)
		if r.StatusCode != http.StatusSeeOther && r.StatusCode != http.StatusUnauthorized || strings.Contains(r.Content, string(bobVideo[:64])) {
			t.Errorf("GET %s signed out: status %d", path, r.StatusCode)
		}
	}
	h.signIn(alice)
	h.expectStatus(h.do(http.MethodGet, "/recordings/1rec/media", nil, http.Header{"Range": {"bytes=0-9"}}), http.StatusNotFound)
	h.expectStatus(h.get("/recordings/1rec/media?download=1"), http.StatusNotFound)

	h.signIn(bob)
	for _, id := range []string{"1part", "1doc", "nope"} {
		h.expectStatus(h.get("/recordings/"+id+"/media"), http.StatusNotFound)
	}
	m.mu.Lock()
	m.revoked[bob.ID] = true
	m.mu.Unlock()
	h.expectStatus(h.do(http.MethodGet, "/recordings/1rec/media", nil, http.Header{"Range": {"bytes=0-9"}}), http.StatusNotFound)
	page := h.get("/recordings/1rec")
	h.expectStatus(page, http.StatusOK)
	checkPage(t, page, nil, []string{"#player", "video"})
}

// TestRecordingPlayer: a downloaded recording plays in its page, with a
// download link and, when its transcript has times, the transcript beside
// it as timed lines that seek the player and as the player's captions.
func TestRecordingPlayer(t *testing.T) {
	t.Parallel()
	ft := &fakeTranscripts{byFile: map[string]map[string]recordings.Transcript{bob.ID: {
		"1rec": standupTranscript, "1doc": standupTranscript,
		"1bad": {}, "1part": {},
	}}}
	h, m := newMediaHarness(t, func(d *Deps) { d.Transcripts = ft })
	h.signIn(bob)
	page := h.get("/recordings/1rec")
	h.expectStatus(page, http.StatusOK)
	checkPage(t, page, map[string]string{
		`#player video#media[controls] source[src="/recordings/1rec/media"][type="video/mp4"]`:     "",
		`#player video track[kind=captions][src="/transcripts/tr1.vtt"]`:                           "",
		`#player a#download[href="/recordings/1rec/media?download=1"]`:                             "Download the recording",
		`#transcript-section #engine`:                                                              "Google Meet's own transcript",
		`#transcript-section #exports a[href="/transcripts/tr1.srt"]`:                              "SRT",
		`#segments li#tr1-t65 a.at[href="#tr1-t65"][data-at="65"]`:                                 "1:05",
		`#segments li#tr1-t65 .speaker`:                                                            "<b>Bob</b>",
		`head script[src="/static/recordings.js"]`:                                                 "",
		`head link[href="/static/recordings.css"]`:                                                 "",
		`.recording-view.with-player #player + #transcript-section #segments li:first-child .said`: "Welcome, let's review the roadmap.",
		`#segments li:last-child a.at[data-at="65"]`:                                               "1:05",
	}, []string{"audio", "pre#transcript", "#no-transcript", "#live"})
	if csp := page.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "media-src 'self'") {
		t.Errorf("CSP %q does not allow the page's own media", csp)
	}

	m.mu.Lock()
	m.files[bob.ID]["1rec"], m.types["1rec"] = bobVideo[:512], "audio/mp4"
	m.mu.Unlock()
	page = h.get("/recordings/1rec")
	checkPage(t, page, map[string]string{`#player audio#media[controls] source[src="/recordings/1rec/media"][type="audio/mp4"]`: ""}, []string{"video"})
	r := h.get("/recordings/1rec/media?download=1")
	if got := r.Header.Get("Content-Disposition"); !strings.HasSuffix(got, `Recording.m4a"`) {
		t.Errorf("audio download: Content-Disposition = %q", got)
	}

	page = h.get("/recordings/1bad")
	checkPage(t, page, map[string]string{"#no-transcript": "No transcript yet."}, []string{"#player", "#segments"})
}

// TestMediaFileName: a saved recording is named after its Drive name,
// without the characters file systems refuse, with one extension.
func TestMediaFileName(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, ct, want string }{
		{"Weekly <sync> - 2026/11/20 15:00 UTC - Recording", "video/mp4", "Weekly _sync_ - 2026_11_20 15_00 UTC - Recording.mp4"},
		{"Réunion d'équipe", "audio/mp4", "Réunion d_équipe.m4a"},
		{"clip.mp4", "video/mp4", "clip.mp4"},
		{"../../etc/passwd", "video/x-unknown", ".._.._etc_passwd.mp4"},
		{"", "video/mp4", "recording.mp4"},
	}
	for _, tc := range tests {
		if got := mediaFileName(recordings.Media{Name: tc.name, ContentType: tc.ct}); got != tc.want {
			t.Errorf("mediaFileName(%q, %s) = %q, want %q", tc.name, tc.ct, got, tc.want)
		}
	}
}
