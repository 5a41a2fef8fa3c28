package fakeapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"sync"
)

// maxPooledBuffer caps the buffers kept for reuse, so that one huge
// response does not pin its memory forever.
const maxPooledBuffer = 8 << 20

// bufferPool recycles the buffers JSON responses are encoded into.
var bufferPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// writeJSON encodes v into a pooled buffer and writes it with status code,
// Content-Type and Content-Length, as Google's JSON APIs do.
func writeJSON(w http.ResponseWriter, code int, v any) {
	buf := bufferPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= maxPooledBuffer {
			bufferPool.Put(buf)
		}
	}()
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		// Only unsupported values fail to encode: a bug in this package.
		http.Error(w, "fakeapi: encoding response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=UTF-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes()) // The client hung up; nothing left to do.
}

// copyBufferSize is the size of the buffers media downloads are copied
// through: large enough that loopback throughput is not bound by syscalls.
const copyBufferSize = 1 << 20

// copyPool recycles media copy buffers.
var copyPool = sync.Pool{New: func() any { b := make([]byte, copyBufferSize); return &b }}

// writerOnly hides every method but Write, so that io.CopyBuffer uses our
// large buffer instead of the ResponseWriter's small ReadFrom buffer.
type writerOnly struct{ io.Writer }

// copyBody streams n bytes of r to w through a pooled large buffer.
func copyBody(w io.Writer, r io.Reader, n int64) error {
	bp := copyPool.Get().(*[]byte)
	defer copyPool.Put(bp)
	_, err := io.CopyBuffer(writerOnly{w}, io.LimitReader(r, n), *bp)
	return err
}
