package workspace_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

// readAll reads a whole body with reads of the given size.
func readAll(t *testing.T, b workspace.Body, chunk int) []byte {
	t.Helper()
	r := b.NewReader()
	var out []byte
	buf := make([]byte, chunk)
	for {
		n, err := r.Read(buf)
		out = append(out, buf[:n]...)
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("Read: %v", err)
		}
	}
}

func TestBodies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body workspace.Body
	}{
		{"generated", workspace.GeneratedBody("1abc", 100_003)},
		{"generated empty", workspace.GeneratedBody("1abc", 0)},
		{"generated tiny", workspace.GeneratedBody("1abc", 5)},
		{"transcript", workspace.TranscriptBody("1doc", 50_001, []string{"Zoë Ångström", "李雷", "<script>alert(1)</script>"})},
		{"transcript default speakers", workspace.TranscriptBody("1doc", 4_000, nil)},
		{"bytes", workspace.BytesBody([]byte("hello, world"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			whole := readAll(t, tt.body, 64<<10)
			if int64(len(whole)) != tt.body.Size() {
				t.Fatalf("read %d bytes, Size() = %d", len(whole), tt.body.Size())
			}
			for _, chunk := range []int{1, 3, 7, 8, 13, 4096} {
				if got := readAll(t, tt.body, chunk); !bytes.Equal(got, whole) {
					t.Fatalf("reads of %d bytes differ from one big read", chunk)
				}
			}
			// TestReader checks Read and Seek against the expected content.
			if err := iotest.TestReader(tt.body.NewReader(), whole); err != nil {
				t.Fatal(err)
			}
			sum := md5.Sum(whole)
			f := &workspace.File{Body: tt.body}
			if got, want := f.Checksum(), hex.EncodeToString(sum[:]); got != want {
				t.Errorf("Checksum() = %s, want md5 of the content %s", got, want)
			}
		})
	}
}

func TestGeneratedBodyIsDeterministicAndKeyed(t *testing.T) {
	t.Parallel()
	a := readAll(t, workspace.GeneratedBody("1abc", 1000), 1000)
	b := readAll(t, workspace.GeneratedBody("1abc", 1000), 1000)
	c := readAll(t, workspace.GeneratedBody("1abd", 1000), 1000)
	if !bytes.Equal(a, b) {
		t.Error("equal keys gave different content")
	}
	if bytes.Equal(a, c) {
		t.Error("different keys gave equal content")
	}
}

func TestHugeGeneratedBodyCostsNothingUntilRead(t *testing.T) {
	t.Parallel()
	const size = 2 << 30
	b := workspace.GeneratedBody("1big", size)
	r := b.NewReader()
	off, err := r.Seek(-10, io.SeekEnd)
	if err != nil || off != size-10 {
		t.Fatalf("Seek(-10, SeekEnd) = %d, %v; want %d", off, err, size-10)
	}
	tail, err := io.ReadAll(r)
	if err != nil || len(tail) != 10 {
		t.Fatalf("reading the tail: %d bytes, %v; want 10 bytes", len(tail), err)
	}
	if _, err := r.Seek(-1, io.SeekStart); err == nil {
		t.Error("Seek before the start succeeded")
	}
	if n, err := r.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		t.Errorf("Read at the end = %d, %v; want 0, EOF", n, err)
	}
}

func TestTranscriptBodyLines(t *testing.T) {
	t.Parallel()
	speakers := []string{"Zoë Ångström", "李雷", "Ada Lovelace"}
	text := string(readAll(t, workspace.TranscriptBody("1doc", 96*40, speakers), 4096))
	lines := strings.SplitAfter(text, "\n")
	lines = lines[:len(lines)-1] // text ends with a newline
	if len(lines) != 40 {
		t.Fatalf("got %d lines, want 40", len(lines))
	}
	for i, line := range lines {
		if len(line) != 96 || !utf8.ValidString(line) {
			t.Fatalf("line %d is %d bytes (valid UTF-8: %v), want 96: %q", i, len(line), utf8.ValidString(line), line)
		}
		if want := speakers[i%3] + ":"; !strings.Contains(line, want) {
			t.Errorf("line %d = %q, want speaker %q", i, line, want)
		}
	}
	if !strings.HasPrefix(lines[1], "[00:00:07] ") {
		t.Errorf("line 1 = %q, want a [00:00:07] timestamp", lines[1])
	}
}

func TestChecksumPrefersMD5Field(t *testing.T) {
	t.Parallel()
	f := &workspace.File{MD5: "0123", Body: workspace.BytesBody([]byte("x"))}
	if got := f.Checksum(); got != "0123" {
		t.Errorf("Checksum() = %q, want the MD5 field", got)
	}
	if got := (&workspace.File{MimeType: workspace.MimeFolder}).Checksum(); got != "" {
		t.Errorf("Checksum() of a folder = %q, want empty", got)
	}
}

func BenchmarkGeneratedBodyRead(b *testing.B) {
	body := workspace.GeneratedBody("1bench", 64<<20)
	buf := make([]byte, 256<<10)
	b.SetBytes(body.Size())
	for b.Loop() {
		if _, err := io.CopyBuffer(io.Discard, body.NewReader(), buf); err != nil {
			b.Fatal(err)
		}
	}
}
