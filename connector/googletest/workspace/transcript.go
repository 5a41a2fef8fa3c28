package workspace

import (
	"io"
	"slices"
	"strconv"
	"unicode/utf8"
)

// lineWidth is the byte length of every line of a generated transcript,
// newline included; fixed-width lines make seeking O(1).
const lineWidth = 96

// transcriptWords is the vocabulary of generated transcripts.
var transcriptWords = []string{
	"we", "should", "review", "the", "roadmap", "before", "Friday", "budget", "looks", "fine",
	"customers", "asked", "about", "latency", "let's", "ship", "it", "next", "sprint", "agreed",
	"I", "can", "take", "that", "action", "item", "quarterly", "numbers", "are", "up",
	"hiring", "plan", "needs", "approval", "any", "questions", "on", "migration", "thanks", "everyone",
}

// transcriptBody is the text of a generated meeting transcript: lines like
// "[00:01:05] Speaker 2: we should review the roadmap", derived from a key
// and the line number, so that a transcript of any size costs nothing until
// it is read.
type transcriptBody struct {
	key      uint64
	size     int64
	speakers []string
	digest
}

// TranscriptBody returns a Body of size bytes of transcript text determined
// by key. Lines name the given speakers in turn, or "Speaker 1", "Speaker 2"
// and so on when there are none.
func TranscriptBody(key string, size int64, speakers []string) Body {
	if len(speakers) == 0 {
		speakers = []string{"Speaker 1", "Speaker 2", "Speaker 3"}
	}
	return &transcriptBody{key: hashKey(key), size: max(size, 0), speakers: slices.Clone(speakers)}
}

// Size returns the length of the content.
func (t *transcriptBody) Size() int64 { return t.size }

// NewReader returns a reader of the content from offset 0.
func (t *transcriptBody) NewReader() io.ReadSeeker {
	return &transcriptReader{body: t, line: -1, buf: make([]byte, 0, lineWidth+utf8.UTFMax)}
}

// checksum returns the md5 of the content, computed once.
func (t *transcriptBody) checksum() string { return t.of(t) }

// appendLine appends line n, exactly lineWidth bytes, to buf.
func (t *transcriptBody) appendLine(buf []byte, n int64) []byte {
	start := len(buf)
	secs := n * 7
	buf = append(appendClock(append(buf, '['), secs), "] "...)
	buf = append(append(buf, t.speakers[n%int64(len(t.speakers))]...), ':')
	for k := uint64(0); len(buf)-start < lineWidth; k++ {
		w := transcriptWords[mix(t.key+uint64(n)*golden+k)%uint64(len(transcriptWords))]
		buf = append(append(buf, ' '), w...)
	}
	end := start + lineWidth - 1
	for end > start && !utf8.RuneStart(buf[end]) {
		end--
	}
	buf = buf[:end]
	for len(buf)-start < lineWidth-1 {
		buf = append(buf, ' ')
	}
	return append(buf, '\n')
}

// appendClock appends secs as hh:mm:ss, hours growing past two digits.
func appendClock(buf []byte, secs int64) []byte {
	h, m, s := secs/3600, secs/60%60, secs%60
	if h < 10 {
		buf = append(buf, '0')
	}
	buf = strconv.AppendInt(buf, h, 10)
	return append(buf, ':', byte('0'+m/10), byte('0'+m%10), ':', byte('0'+s/10), byte('0'+s%10))
}

// transcriptReader reads a transcriptBody one cached line at a time.
type transcriptReader struct {
	body *transcriptBody
	off  int64
	line int64 // number of the line in buf, -1 for none
	buf  []byte
}

// Read fills p with the content at the current offset.
func (r *transcriptReader) Read(p []byte) (int, error) {
	if r.off >= r.body.size {
		return 0, io.EOF
	}
	if rem := r.body.size - r.off; int64(len(p)) > rem {
		p = p[:rem]
	}
	n := 0
	for n < len(p) {
		if line := r.off / lineWidth; line != r.line {
			r.buf = r.body.appendLine(r.buf[:0], line)
			r.line = line
		}
		c := copy(p[n:], r.buf[r.off%lineWidth:])
		n += c
		r.off += int64(c)
	}
	return n, nil
}

// Seek sets the offset for the next Read.
func (r *transcriptReader) Seek(offset int64, whence int) (int64, error) {
	off, err := seekOffset(r.off, r.body.size, offset, whence)
	r.off = off
	return off, err
}
