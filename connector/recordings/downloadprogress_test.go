package recordings_test

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/recordings"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// pausingBody waits for resume after its first left bytes.
type pausingBody struct {
	io.ReadCloser
	left   int64
	resume chan struct{}
}

func (b *pausingBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		<-b.resume
		return b.ReadCloser.Read(p)
	}
	n, err := b.ReadCloser.Read(p[:min(int64(len(p)), b.left)])
	b.left -= int64(n)
	return n, err
}

// TestDownloadProgressRecorded: on each database, while a download runs, the bytes spooled so
// far show on its recording within a couple of seconds, for the pages to
// follow; once done it records the whole size.
func TestDownloadProgressRecorded(t *testing.T) {
	t.Parallel()
	eachDB(t, testDownloadProgressRecorded)
}

func testDownloadProgressRecorded(t *testing.T, db *sqldb.DB) {
	h := newHarness(t, options{recordingSize: 3 << 20, db: db})
	resume := make(chan struct{})
	s := h.service(func(o *recordings.Options) {
		o.Door = bodyDoor{door: h.Door, wrap: func(b io.ReadCloser) io.ReadCloser {
			return &pausingBody{ReadCloser: b, left: 1 << 20, resume: resume}
		}}
	})
	rec, _ := firstRecording(t, h, s)
	ctx := context.Background()
	done := make(chan error, 1)
	go func() { done <- s.Download(ctx, h.userID, rec.FileID) }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got, err := s.Recording(ctx, h.userID, rec.FileID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State == recordings.StateDownloading && got.Done == 1<<20 {
			break
		}
		if time.Now().After(deadline) {
			close(resume)
			t.Fatalf("mid-download the recording is %s with %d bytes, want downloading with %d", got.State, got.Done, 1<<20)
		}
		time.Sleep(50 * time.Millisecond)
	}
	close(resume)
	if err := <-done; err != nil {
		t.Fatalf("Download: %v", err)
	}
	got, _ := s.Recording(ctx, h.userID, rec.FileID)
	if got.State != recordings.StateQueued || got.Done != rec.Size {
		t.Errorf("after the download: %s with %d bytes, want queued with %d", got.State, got.Done, rec.Size)
	}
}
