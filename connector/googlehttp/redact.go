package googlehttp

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// secretPatterns match what must not be kept or shown: the query string or
// fragment of a URL (page and sync tokens, and any credential a client put
// there) and the value of an Authorization header or a token field.
var secretPatterns = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`(https?://[^\s"'?#]*)[?#][^\s"']*`), "$1?…"},
	{regexp.MustCompile(`(?i)(bearer|basic)\s+[A-Za-z0-9._~+/=-]+`), "$1 …"},
	{regexp.MustCompile(`(?i)((?:access|refresh|id)_token|code|client_secret)(["']?\s*[:=]\s*["']?)[^\s"'&,}]+`), "$1$2…"},
}

// Redact removes from a message what must not be kept or shown: URLs'
// query strings and fragments, Authorization values and token fields. It
// also makes the message valid UTF-8.
func Redact(msg string) string {
	msg = strings.ToValidUTF8(msg, "\uFFFD")
	for _, p := range secretPatterns {
		msg = p.re.ReplaceAllString(msg, p.repl)
	}
	return msg
}

// cutRunes bounds s to n runes, marking a cut with "…". It never cuts a
// rune in two.
func cutRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i, count := 0, 0
	for i = range s {
		if count == n {
			break
		}
		count++
	}
	return s[:i] + "…"
}
