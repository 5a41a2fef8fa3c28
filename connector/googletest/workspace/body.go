package workspace

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sync"
)

// errNegativeOffset is returned by Seek for a position before the start.
var errNegativeOffset = errors.New("workspace: seek before start of body")

// Checksum returns the hex md5 of the file's content: MD5 when set, else the
// digest of Body, computed once by streaming it for the bodies of this
// package. It returns "" for folders and Google Docs.
func (f *File) Checksum() string {
	if f.MD5 != "" || f.Body == nil {
		return f.MD5
	}
	if c, ok := f.Body.(interface{ checksum() string }); ok {
		return c.checksum()
	}
	return streamMD5(f.Body)
}

// digest caches the md5 of a body, computed on first use.
type digest struct {
	once sync.Once
	sum  string
}

// of returns the cached md5 of b, streaming b the first time.
func (d *digest) of(b Body) string {
	d.once.Do(func() { d.sum = streamMD5(b) })
	return d.sum
}

// streamMD5 returns the hex md5 of b without holding it in memory.
func streamMD5(b Body) string {
	h := md5.New()
	// Reads from the bodies of this package cannot fail.
	_, _ = io.CopyBuffer(h, b.NewReader(), make([]byte, 256<<10))
	return hex.EncodeToString(h.Sum(nil))
}

// bytesBody is content held in memory, for small real media and texts.
type bytesBody struct {
	b []byte
	digest
}

// BytesBody returns a Body serving b, which the caller must not modify.
func BytesBody(b []byte) Body {
	return &bytesBody{b: b}
}

// Size returns the length of the content.
func (b *bytesBody) Size() int64 { return int64(len(b.b)) }

// NewReader returns a reader of the content from offset 0.
func (b *bytesBody) NewReader() io.ReadSeeker { return bytes.NewReader(b.b) }

// checksum returns the md5 of the content.
func (b *bytesBody) checksum() string { return b.of(b) }

// seekOffset resolves a Seek request against a body of the given size.
func seekOffset(cur, size, offset int64, whence int) (int64, error) {
	var abs int64
	switch whence {
	case io.SeekStart:
		abs = offset
	case io.SeekCurrent:
		abs = cur + offset
	case io.SeekEnd:
		abs = size + offset
	default:
		return cur, fmt.Errorf("workspace: invalid whence %d", whence)
	}
	if abs < 0 {
		return cur, errNegativeOffset
	}
	return abs, nil
}
