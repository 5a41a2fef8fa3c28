package recordings

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of a search query.
const (
	// maxTerms is the most words a query keeps; the rest are ignored.
	maxTerms = 16
	// maxTermRunes is the longest word a query keeps.
	maxTermRunes = 64
)

// phrase is a run of words that must appear together, in order.
type phrase []string

// parseQuery reads what a member typed into phrases that every match must
// contain: text between double quotes is one phrase, every other word is a
// phrase of its own. Words are runs of letters, digits and marks, lower
// case; everything else (FTS5 or tsquery operators such as *, -, NEAR,
// parentheses, colons) separates words and means nothing, so no input can
// reach either database's query syntax.
func parseQuery(q string) []phrase {
	var out []phrase
	terms := 0
	for i, part := range strings.Split(q, `"`) {
		quoted := i%2 == 1
		var p phrase
		for w := range strings.FieldsFuncSeq(part, notWordRune) {
			if terms == maxTerms {
				break
			}
			if utf8.RuneCountInString(w) > maxTermRunes {
				continue
			}
			terms++
			if quoted {
				p = append(p, strings.ToLower(w))
			} else {
				out = append(out, phrase{strings.ToLower(w)})
			}
		}
		if len(p) > 0 {
			out = append(out, p)
		}
	}
	return out
}

// notWordRune reports whether r separates words.
func notWordRune(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
}

// ftsMatch writes phrases as an FTS5 MATCH expression: each phrase a
// quoted string, all of them required. Words hold no quote, so quoting
// them is enough.
func ftsMatch(ps []phrase) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = `"` + strings.Join(p, " ") + `"`
	}
	return strings.Join(parts, " AND ")
}

// wordsOf returns the distinct words of the phrases.
func wordsOf(ps []phrase) map[string]bool {
	out := map[string]bool{}
	for _, p := range ps {
		for _, w := range p {
			out[w] = true
		}
	}
	return out
}
