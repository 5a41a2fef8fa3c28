package transcribe

import (
	"errors"
	"io"
	"time"
)

// chunker cuts a PCM stream into pieces of at most max, each cut at the
// quietest moment of its last stretch so that a cut rarely splits a word.
// It holds one piece in memory at a time.
type chunker struct {
	r io.Reader
	// buf holds the piece being filled; carry is how much of it is left
	// over from the previous cut.
	buf   []byte
	carry int
	// search is how many bytes at the end of a full piece are searched for
	// the cut.
	search int
	done   bool
}

// quietWindow is the stretch whose loudness is measured to find a cut.
const quietWindow = 100 * time.Millisecond

func newChunker(r io.Reader, max time.Duration) *chunker {
	n := int(max.Seconds()*bytesPerSecond) &^ 1
	return &chunker{r: r, buf: make([]byte, n), search: min(n/6, 10*bytesPerSecond) &^ 1}
}

// next returns the next piece, valid until the following call, or io.EOF
// after the last.
func (c *chunker) next() ([]byte, error) {
	if c.done {
		return nil, io.EOF
	}
	n, err := io.ReadFull(c.r, c.buf[c.carry:])
	n += c.carry
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		c.done = true
		if n == 0 {
			return nil, io.EOF
		}
		return c.buf[:n&^1], nil
	case err != nil:
		return nil, err
	}
	cut := quietestCut(c.buf[n-c.search : n])
	cut += n - c.search
	piece := make([]byte, cut)
	copy(piece, c.buf[:cut])
	c.carry = copy(c.buf, c.buf[cut:n])
	return piece, nil
}

// quietestCut returns the offset, within pcm, of the middle of its quietest
// window, on a sample boundary.
func quietestCut(pcm []byte) int {
	w := int(quietWindow.Seconds()*bytesPerSecond) &^ 1
	if len(pcm) <= w {
		return len(pcm) &^ 1
	}
	best, bestAt := int64(-1), 0
	for at := 0; at+w <= len(pcm); at += w / 2 {
		var e int64
		for i := at; i+1 < at+w; i += 2 {
			s := int64(int16(uint16(pcm[i]) | uint16(pcm[i+1])<<8))
			e += s * s
		}
		if best < 0 || e < best {
			best, bestAt = e, at
		}
	}
	return (bestAt + w/2) &^ 1
}
