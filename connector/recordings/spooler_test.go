package recordings

import (
	"bytes"
	"crypto/md5"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// cutReader returns its bytes, then err with the last of them, as a body
// cut short by the network does.
type cutReader struct {
	r   *bytes.Reader
	err error
}

func (c *cutReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if err == io.EOF || c.r.Len() == 0 {
		return n, c.err
	}
	return n, err
}

// TestSpoolerKeepsWhatArrivedBeforeACut spools a body that is cut after
// 2.5 blocks, then the rest: every byte read before the cut is in the file,
// the cut is returned as it is (io.ErrUnexpectedEOF is no end), and the
// file and its md5 are those of the whole body.
func TestSpoolerKeepsWhatArrivedBeforeACut(t *testing.T) {
	t.Parallel()
	body := make([]byte, 4*blockSize+123)
	for i := range body {
		body[i] = byte(i * 31 >> 3)
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "rec.part"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sp := newSpooler(f)
	defer sp.close()
	if err := sp.resume(int64(len(body))); err != nil {
		t.Fatal(err)
	}
	cut := 5 * blockSize / 2
	if err := sp.readFrom(&cutReader{r: bytes.NewReader(body[:cut]), err: io.ErrUnexpectedEOF}); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("readFrom a cut body = %v, want io.ErrUnexpectedEOF", err)
	}
	if sp.off != int64(cut) {
		t.Fatalf("%d bytes spooled before the cut, want %d", sp.off, cut)
	}
	if err := sp.readFrom(bytes.NewReader(body[cut:])); err != nil {
		t.Fatalf("readFrom the rest: %v", err)
	}
	if got, want := sp.digest(), md5.Sum(body); !bytes.Equal(got, want[:]) || sp.off != int64(len(body)) {
		t.Errorf("spooled %d bytes with md5 %x, want %d with %x", sp.off, got, len(body), want)
	}
	if got, err := os.ReadFile(f.Name()); err != nil || !bytes.Equal(got, body) {
		t.Errorf("the file holds %d bytes (%v), not the body's %d", len(got), err, len(body))
	}
}

// TestSpoolerWriteFailure spools into a file that refuses writes: the
// write's error is returned, nothing is counted or hashed, and the next
// read starts afresh.
func TestSpoolerWriteFailure(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "rec.part")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path) // read-only: every write fails
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sp := newSpooler(f)
	defer sp.close()
	if err := sp.resume(10 * blockSize); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		err := sp.readFrom(bytes.NewReader(make([]byte, 3*blockSize)))
		if err == nil || errors.Is(err, io.EOF) {
			t.Fatalf("readFrom into a read-only file = %v, want the write's error", err)
		}
	}
	if got, want := sp.digest(), md5.Sum(nil); sp.off != 0 || !bytes.Equal(got, want[:]) {
		t.Errorf("after failed writes: %d bytes with md5 %x, want none", sp.off, got)
	}
}
