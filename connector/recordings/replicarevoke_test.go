package recordings_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/recordings"
	"github.com/scopetrail/scopetrail/scopes/grant"
)

// slowMedia is a network that brings downloads at about 1.3 MB/s, and
// tells started once one has brought 256 KiB.
type slowMedia struct {
	once    sync.Once
	started chan struct{}
}

func (m *slowMedia) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil && r.URL.Query().Get("alt") == "media" {
		resp.Body = &slowBody{ReadCloser: resp.Body, m: m}
	}
	return resp, err
}

type slowBody struct {
	io.ReadCloser
	m *slowMedia
	n int
}

func (b *slowBody) Read(p []byte) (int, error) {
	time.Sleep(25 * time.Millisecond)
	n, err := b.ReadCloser.Read(p[:min(len(p), 32<<10)])
	if b.n += n; b.n >= 256<<10 {
		b.m.once.Do(func() { close(b.m.started) })
	}
	return n, err
}

// TestRevocationOnAnotherReplicaCutsDownload: replica B streams a long
// download when replica A revokes the member: B notices within seconds,
// without another request to Google, deletes what it spooled, audits the
// cut, and the download ends refused.
func TestRevocationOnAnotherReplicaCutsDownload(t *testing.T) {
	t.Parallel()
	const size = 6 << 20
	slow := &slowMedia{started: make(chan struct{})}
	h, reps := newReplicas(t, 2, options{recordingSize: size}, nil, func(o *googlehttp.Options) { o.Base = slow })
	a, b := reps[0], reps[1]
	ctx := context.Background()
	if _, err := b.svc.Discover(ctx, h.userID); err != nil {
		t.Fatal(err)
	}
	rec := firstOfKind(t, b.svc, h.userID, recordings.KindRecording)
	done := make(chan error, 1)
	go func() { done <- b.svc.Download(ctx, h.userID, rec.FileID) }()
	select {
	case <-slow.started:
	case err := <-done:
		t.Fatalf("Download returned before streaming: %v", err)
	}
	before := len(h.Fake.Requests())
	if err := a.env.Grants.Revoke(ctx, h.userID, "test"); err != nil {
		t.Fatal(err)
	}
	var err error
	select {
	case err = <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("the download did not stop after the revocation")
	}
	if !errors.Is(err, grant.ErrRevoked) {
		t.Errorf("Download = %v, want it refused as revoked", err)
	}
	if got := googlehttp.Classify(err); !got.Class.Refused() {
		t.Errorf("the cut download is classified %+v, want refused, so that its job is not retried", got)
	}
	// The fake logs a request once it has answered, which for the cut
	// download is when it sees the connection closed: the download in
	// flight, and nothing after it.
	reqs := h.Fake.Requests()[before:]
	for deadline := time.Now().Add(5 * time.Second); len(reqs) == 0 && time.Now().Before(deadline); reqs = h.Fake.Requests()[before:] {
		time.Sleep(10 * time.Millisecond)
	}
	if len(reqs) != 1 || reqs[0].Path != "/drive/v3/files/"+rec.FileID {
		t.Errorf("requests since the revocation: %+v, want only the download in flight", reqs)
	}
	spooled, _ := filepath.Glob(filepath.Join(b.spool, "*", "*"))
	if len(spooled) != 0 {
		t.Errorf("spool still holds %q", spooled)
	}
	var read int64
	if err := b.env.DB.QueryRow(ctx, `SELECT MAX(num_response_bytes) FROM audit_entries WHERE event = 'activity'
		AND method_name = 'drive.files.get' AND resource = ?`, "fileId="+rec.FileID).Scan(&read); err != nil || read >= size {
		t.Errorf("the door let the download read %d bytes (%v), want it cut before its %d", read, err, size)
	}
	var bytes int64
	row := b.env.DB.QueryRow(ctx, `SELECT num_response_bytes FROM audit_entries WHERE event = 'deny' AND error_reason = ? AND resource = ?`,
		recordings.ReasonRevokedDuringDownload, "fileId="+rec.FileID)
	if err := row.Scan(&bytes); err != nil {
		t.Fatalf("no audit entry of the cut download: %v", err)
	}
	if bytes <= 0 || bytes >= size {
		t.Errorf("the cut download's entry says %d bytes, want part of %d", bytes, size)
	}
}

// TestRevocationOnAnotherReplicaEndsQueuedJobs: replica B queued the
// member's downloads and imports when replica A revokes the member; when B
// works them they send nothing to Google and end cancelled, each after one
// attempt, without retries.
func TestRevocationOnAnotherReplicaEndsQueuedJobs(t *testing.T) {
	t.Parallel()
	h, reps := newReplicas(t, 2, options{})
	a, b := reps[0], reps[1]
	ctx := context.Background()
	if err := b.svc.Sync(ctx, h.userID); err != nil {
		t.Fatal(err)
	}
	if err := a.env.Grants.Revoke(ctx, h.userID, "test"); err != nil {
		t.Fatal(err)
	}
	before := len(h.Fake.Requests())
	if err := b.runner.Start(ctx); err != nil {
		t.Fatal(err)
	}
	list := waitIdle(t, b.runner)
	for _, j := range list {
		if j.State != "cancelled" || j.Attempt != 1 {
			t.Errorf("job %s of %s ended %s after %d attempts, want cancelled after one", j.Kind, j.RecordingID, j.State, j.Attempt)
		}
	}
	if reqs := h.Fake.Requests()[before:]; len(reqs) != 0 {
		t.Errorf("requests after the revocation: %+v", reqs)
	}
}
