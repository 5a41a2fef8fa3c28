package transcribe

import (
	"bufio"
	"io"
	"strconv"
	"strings"
	"time"
)

// word is one recognised word and where it lies in the audio; a word with
// no text marks the end of an utterance.
type word struct {
	start, end time.Duration
	text       string
}

// parseSphinx reads the output of pocketsphinx_continuous -time yes: for
// each utterance a line of hypothesis text, then one line per word, "word
// start end confidence", times in seconds, between <s> and </s>. It returns
// the spoken words, without silences, noises, fillers or the alternate
// pronunciation marks ("to(2)"), and an empty word at each utterance's end.
// Lines that are not word lines are skipped.
func parseSphinx(r io.Reader) ([]word, error) {
	var out []word
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 4 {
			continue
		}
		start, err1 := strconv.ParseFloat(f[1], 64)
		end, err2 := strconv.ParseFloat(f[2], 64)
		_, err3 := strconv.ParseFloat(f[3], 64)
		if err1 != nil || err2 != nil || err3 != nil || !(start >= 0 && end >= start && end < 1e7) {
			continue
		}
		w := word{start: seconds(start), end: seconds(end), text: spokenWord(f[0])}
		switch {
		case f[0] == "</s>":
			out = append(out, word{start: w.end, end: w.end})
		case w.text != "":
			out = append(out, w)
		}
	}
	return out, sc.Err()
}

// spokenWord returns a decoder token as text: "" for silences, noises and
// fillers ("<sil>", "[NOISE]", "++UH++"), the word without its alternate
// pronunciation mark otherwise.
func spokenWord(tok string) string {
	if tok == "" || strings.ContainsAny(tok[:1], "<[+") {
		return ""
	}
	if i := strings.IndexByte(tok, '('); i > 0 && strings.HasSuffix(tok, ")") {
		tok = tok[:i]
	}
	return tok
}

func seconds(s float64) time.Duration {
	return time.Duration(s * float64(time.Second)).Round(time.Millisecond)
}

// Grouping of words into segments.
const (
	// segmentGap is the pause that ends a segment.
	segmentGap = 600 * time.Millisecond
	// segmentMax is the longest a segment grows.
	segmentMax = 8 * time.Second
)

// groupWords joins words into segments, one per utterance, broken further
// at long pauses and when a segment reaches segmentMax. Each word's times
// are shifted by offset.
func groupWords(words []word, offset time.Duration) []Segment {
	var segs []Segment
	var cur *Segment
	var b strings.Builder
	flush := func() {
		if cur != nil {
			cur.Text = b.String()
			segs = append(segs, *cur)
			cur = nil
			b.Reset()
		}
	}
	for _, w := range words {
		if w.text == "" {
			flush()
			continue
		}
		start, end := w.start+offset, w.end+offset
		if cur != nil && (start-cur.End >= segmentGap || end-cur.Start > segmentMax) {
			flush()
		}
		if cur == nil {
			cur = &Segment{Start: start}
		} else {
			b.WriteByte(' ')
		}
		b.WriteString(w.text)
		cur.End = max(cur.End, end)
	}
	flush()
	return segs
}
