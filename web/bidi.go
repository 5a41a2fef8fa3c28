package web

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// bidiControl reports whether r is a bidirectional formatting character:
// the embeddings and overrides U+202A–U+202E, the isolates U+2066–U+2069,
// the marks U+200E and U+200F and the Arabic letter mark U+061C. In a name
// or a title they can make text that follows read backwards, so that
// "moc.elpmaxe@ana" shows as an email address it is not.
func bidiControl(r rune) bool {
	switch {
	case r >= '\u202A' && r <= '\u202E', r >= '\u2066' && r <= '\u2069':
		return true
	}
	return r == '\u200E' || r == '\u200F' || r == '\u061C'
}

// neutraliseBidi replaces every bidirectional formatting character in a
// rendered page with a visible, inert "[U+202E]". The templates hold none,
// so every one comes from data (a user's name, a calendar, meeting or file
// title, Google's words): this one pass covers every string a page shows,
// in text and in attributes alike. A page without any is returned as it is.
func neutraliseBidi(page []byte) []byte {
	if bytes.IndexFunc(page, bidiControl) < 0 {
		return page
	}
	out := make([]byte, 0, len(page)+64)
	for len(page) > 0 {
		r, size := utf8.DecodeRune(page)
		if bidiControl(r) {
			out = fmt.Appendf(out, "[U+%04X]", r)
		} else {
			out = append(out, page[:size]...)
		}
		page = page[size:]
	}
	return out
}
