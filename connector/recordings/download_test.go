package recordings_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/connector/recordings"
)

// TestResumeAfterCut cuts a download in the middle: the next attempt asks
// for the rest with a Range header, gets 206, and the file is whole.
func TestResumeAfterCut(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{recordingSize: 2 << 20})
	s := h.service(nil)
	rec, _ := firstRecording(t, h, s)
	h.Fake.ResetRequests()
	h.Fake.AddFault(googletest.Fault{Method: "drive.files.get", Kind: googletest.FaultCutBody, Count: 1})
	if err := s.Download(context.Background(), h.userID, rec.FileID); err != nil {
		t.Fatalf("Download: %v", err)
	}
	var statuses []int
	for _, r := range h.Fake.Requests() {
		if r.MethodID == "drive.files.get" {
			statuses = append(statuses, r.Status)
		}
	}
	if diff := cmp.Diff([]int{200, 206}, statuses); diff != "" {
		t.Errorf("files.get statuses (-want +got):\n%s", diff)
	}
	got, err := s.Recording(context.Background(), h.userID, rec.FileID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != recordings.StateQueued || got.Done != rec.Size || fileMD5(t, got.Path) != rec.MD5 {
		t.Errorf("after the resumed download: %s, %d bytes; want queued, %d bytes with md5 %s", got.State, got.Done, rec.Size, rec.MD5)
	}
	if _, err := os.Stat(got.Path + ".part"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the temporary file is left: %v", err)
	}
}

// TestDownloadChecksumMismatch fails a download whose content does not
// match the md5 Drive reports, with the reason, and keeps no file.
func TestDownloadChecksumMismatch(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{})
	spool := t.TempDir()
	s := h.service(func(o *recordings.Options) { o.SpoolDir = spool })
	rec, _ := firstRecording(t, h, s)
	f, _ := h.Workspace.File(rec.FileID)
	bad := *f
	bad.MD5 = strings.Repeat("0", 32)
	h.Workspace.PutFile(&bad)
	if _, err := s.Discover(context.Background(), h.userID); err != nil {
		t.Fatalf("Discover: %v", err)
	}
	err := s.Download(context.Background(), h.userID, rec.FileID)
	if !errors.Is(err, recordings.ErrVerify) {
		t.Fatalf("Download = %v, want ErrVerify", err)
	}
	got, _ := s.Recording(context.Background(), h.userID, rec.FileID)
	if got.State != recordings.StateFailed || !strings.Contains(got.Reason, "md5") {
		t.Errorf("recording is %s (%q), want failed with a checksum reason", got.State, got.Reason)
	}
	if files := spooled(t, spool); len(files) != 0 {
		t.Errorf("spool holds %q", files)
	}
}

// TestRetryAfterFailure shows a final failure with its reason, then a
// retry, once Google recovers, completes the download.
func TestRetryAfterFailure(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{})
	s := h.service(nil)
	ctx := context.Background()
	rec, _ := firstRecording(t, h, s)
	h.Fake.AddFault(googletest.Fault{Method: "drive.files.get", Kind: googletest.FaultUnavailable, Count: fastRetry.MaxAttempts})
	if err := s.Download(ctx, h.userID, rec.FileID); err == nil {
		t.Fatal("Download succeeded through a Drive outage")
	}
	got, _ := s.Recording(ctx, h.userID, rec.FileID)
	wantDetail := fmt.Sprintf("Google answered 503 backendError: The service is currently unavailable. (after %d attempts)", fastRetry.MaxAttempts)
	if got.State != recordings.StateFailed || got.Reason != "transient.backendError" || got.ReasonDetail != wantDetail {
		t.Errorf("after the outage: %s (%q %q), want failed (transient.backendError %q)", got.State, got.Reason, got.ReasonDetail, wantDetail)
	}
	if _, err := s.Retry(ctx, h.userID, rec.FileID); err != nil {
		t.Fatalf("Retry: %v", err)
	}
	if got, _ := s.Recording(ctx, h.userID, rec.FileID); got.State != recordings.StateTranscribed || fileMD5(t, got.Path) != rec.MD5 {
		t.Errorf("after Retry: %s (%q), want transcribed with the whole file", got.State, got.Reason)
	}
}

// TestPurgeDuringDownload purges the member while a download waits for
// Drive: the download ends without leaving a file behind.
func TestPurgeDuringDownload(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{})
	spool := t.TempDir()
	s := h.service(func(o *recordings.Options) { o.SpoolDir = spool })
	ctx := context.Background()
	rec, _ := firstRecording(t, h, s)
	h.Fake.AddFault(googletest.Fault{Method: "drive.files.get", Kind: googletest.FaultLatency, Delay: 300 * time.Millisecond})
	done := make(chan error, 1)
	go func() { done <- s.Download(ctx, h.userID, rec.FileID) }()
	time.Sleep(100 * time.Millisecond)
	if _, err := s.Purge(ctx, h.userID); err != nil {
		t.Fatalf("Purge: %v", err)
	}
	if err := <-done; !errors.Is(err, recordings.ErrNotFound) {
		t.Errorf("Download = %v, want ErrNotFound", err)
	}
	if files := spooled(t, spool); len(files) != 0 {
		t.Errorf("spool after Purge: %q", files)
	}
}

// TestPurge removes the member's rows and spooled files, and nobody
// else's.
func TestPurge(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{})
	spool := t.TempDir()
	s := h.service(func(o *recordings.Options) { o.SpoolDir = spool })
	ctx := context.Background()
	if err := s.Sync(ctx, h.userID); err != nil {
		t.Fatalf("Sync: %v", err)
	}
	mine := spooled(t, spool)
	if len(mine) == 0 {
		t.Fatal("nothing was spooled")
	}
	other := filepath.Join(spool, "someone-else.mp4")
	if err := os.WriteFile(other, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	rows, _ := s.List(ctx, h.userID)
	n, err := s.Purge(ctx, h.userID)
	if err != nil || n != int64(len(rows)) {
		t.Fatalf("Purge = %d, %v; want %d rows", n, err, len(rows))
	}
	if left := spooled(t, spool); len(left) != 1 || left[0] != other {
		t.Errorf("spool after Purge: %q, want only %s", left, other)
	}
	if rows, _ := s.List(ctx, h.userID); len(rows) != 0 {
		t.Errorf("%d rows left", len(rows))
	}
	if _, err := s.Recording(ctx, h.userID, rows[0].FileID); !errors.Is(err, recordings.ErrNotFound) {
		t.Errorf("Recording after Purge = %v, want ErrNotFound", err)
	}
}

// bodyDoor is the door, with each media body wrapped by wrap.
type bodyDoor struct {
	door recordings.Door
	wrap func(io.ReadCloser) io.ReadCloser
}

func (d bodyDoor) Client(userID string) *http.Client {
	c := *d.door.Client(userID)
	base := c.Transport
	c.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := base.RoundTrip(r)
		if err == nil && r.URL.Query().Get("alt") == "media" {
			resp.Body = d.wrap(resp.Body)
		}
		return resp, err
	})
	return &c
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// stoppingBody cancels a context after its first left bytes.
type stoppingBody struct {
	io.ReadCloser
	left   int64
	cancel context.CancelFunc
}

func (b *stoppingBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		b.cancel()
		return 0, context.Canceled
	}
	n, err := b.ReadCloser.Read(p[:min(int64(len(p)), b.left)])
	b.left -= int64(n)
	return n, err
}

// TestResumeNextRun stops a download part-way, as a shutdown does: the
// recording stays downloading with the bytes spooled, and the next run asks
// only for the rest.
func TestResumeNextRun(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{recordingSize: 3 << 20})
	spool := t.TempDir()
	stopCtx, cancel := context.WithCancel(context.Background())
	stopping := h.service(func(o *recordings.Options) {
		o.SpoolDir, o.Door = spool, bodyDoor{door: h.Door, wrap: func(b io.ReadCloser) io.ReadCloser {
			return &stoppingBody{ReadCloser: b, left: 1 << 20, cancel: cancel}
		}}
	})
	rec, _ := firstRecording(t, h, stopping)
	h.Fake.ResetRequests()
	if err := stopping.Download(stopCtx, h.userID, rec.FileID); !errors.Is(err, context.Canceled) {
		t.Fatalf("stopped Download = %v, want context.Canceled", err)
	}
	got, _ := stopping.Recording(context.Background(), h.userID, rec.FileID)
	if got.State != recordings.StateDownloading || got.Reason != recordings.CodeWaitInterrupted || got.Done != 1<<20 {
		t.Fatalf("after the stop: %s (%q), %d bytes; want downloading (interrupted), %d bytes", got.State, got.Reason, got.Done, 1<<20)
	}
	// The fake logs a request when it has served it, which may be after
	// the client went away: wait for the stopped one before clearing.
	for deadline := time.Now().Add(5 * time.Second); !slices.Contains(h.methods(), "drive.files.get"); {
		if time.Now().After(deadline) {
			t.Fatal("the fake never logged the stopped request")
		}
		time.Sleep(10 * time.Millisecond)
	}
	h.Fake.ResetRequests()
	next := h.service(func(o *recordings.Options) { o.SpoolDir = spool })
	if err := next.Download(context.Background(), h.userID, rec.FileID); err != nil {
		t.Fatalf("Download: %v", err)
	}
	var sent []googletest.RequestRecord
	for _, r := range h.Fake.Requests() {
		if r.MethodID == "drive.files.get" {
			sent = append(sent, r)
		}
	}
	if len(sent) != 1 || sent[0].Status != http.StatusPartialContent || sent[0].Bytes != rec.Size-1<<20 {
		t.Errorf("the next run sent %+v, want one 206 for the last %d bytes", sent, rec.Size-1<<20)
	}
	got, _ = next.Recording(context.Background(), h.userID, rec.FileID)
	if got.State != recordings.StateQueued || fileMD5(t, got.Path) != rec.MD5 {
		t.Errorf("after the next run: %s (%q), want queued with the whole file", got.State, got.Reason)
	}
}

// wholeFileDoor is the door, with a server that ignores Range and answers
// with the whole file while claiming 206 from its first byte, as a broken
// proxy might.
type wholeFileDoor struct{ door recordings.Door }

func (d wholeFileDoor) Client(userID string) *http.Client {
	c := *d.door.Client(userID)
	base := c.Transport
	c.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		ranged := r.Header.Get("Range") != ""
		if ranged {
			r = r.Clone(r.Context())
			r.Header.Del("Range")
		}
		resp, err := base.RoundTrip(r)
		if err == nil && ranged && resp.StatusCode == http.StatusOK {
			resp.StatusCode = http.StatusPartialContent
			resp.Header.Set("Content-Range", fmt.Sprintf("bytes 0-%d/%d", resp.ContentLength-1, resp.ContentLength))
		}
		return resp, err
	})
	return &c
}

// TestResumeWrongContentRange resumes a cut download from a server whose
// 206 starts at byte 0, not where the download stopped: the bytes are not
// appended to the partial file, the download starts again, and the file is
// whole.
func TestResumeWrongContentRange(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{recordingSize: 2 << 20})
	s := h.service(func(o *recordings.Options) { o.Door = wholeFileDoor{door: h.Door} })
	rec, _ := firstRecording(t, h, s)
	h.Fake.AddFault(googletest.Fault{Method: "drive.files.get", Kind: googletest.FaultCutBody, Count: 1})
	if err := s.Download(context.Background(), h.userID, rec.FileID); err != nil {
		t.Fatalf("Download: %v", err)
	}
	got, err := s.Recording(context.Background(), h.userID, rec.FileID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != recordings.StateQueued || got.Done != rec.Size || fileMD5(t, got.Path) != rec.MD5 {
		t.Errorf("after the resumed download: %s (%s), %d bytes; want queued, %d bytes with md5 %s", got.State, got.Reason, got.Done, rec.Size, rec.MD5)
	}
}
