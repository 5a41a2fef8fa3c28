package transcribetest

import (
	"strings"
	"unicode"
)

// Words splits text into lower-case words, without punctuation, as word
// error rates compare them.
func Words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	})
}

// Edits is the word-level edit distance between a reference and a
// hypothesis (substitutions, insertions and deletions), and the reference's
// word count: their ratio is the word error rate.
func Edits(reference, hypothesis string) (edits, words int) {
	ref, hyp := Words(reference), Words(hypothesis)
	prev := make([]int, len(hyp)+1)
	cur := make([]int, len(hyp)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ref); i++ {
		cur[0] = i
		for j := 1; j <= len(hyp); j++ {
			sub := prev[j-1]
			if ref[i-1] != hyp[j-1] {
				sub++
			}
			cur[j] = min(sub, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(hyp)], len(ref)
}

// WER is the word error rate of a hypothesis against a reference.
func WER(reference, hypothesis string) float64 {
	e, n := Edits(reference, hypothesis)
	if n == 0 {
		return 0
	}
	return float64(e) / float64(n)
}
