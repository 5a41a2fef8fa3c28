package recordings

import (
	"errors"
	"strconv"
	"strings"
)

// errContentRange means a 206 answer's Content-Range is not one byte range.
var errContentRange = errors.New("recordings: malformed Content-Range")

// parseContentRange reads the Content-Range of a 206 answer, as RFC 9110
// §14.4 writes it: "bytes FIRST-LAST/SIZE", SIZE "*" when unknown (then
// size is -1). FIRST <= LAST, and LAST < SIZE when SIZE is known; anything
// else, an unsatisfied range "bytes */SIZE" included, is errContentRange.
func parseContentRange(v string) (first, last, size int64, err error) {
	rest, ok := strings.CutPrefix(v, "bytes ")
	if !ok {
		return 0, 0, 0, errContentRange
	}
	span, total, ok := strings.Cut(rest, "/")
	if !ok {
		return 0, 0, 0, errContentRange
	}
	a, b, ok := strings.Cut(span, "-")
	if !ok {
		return 0, 0, 0, errContentRange
	}
	if first, err = parseBytePos(a); err != nil {
		return 0, 0, 0, err
	}
	if last, err = parseBytePos(b); err != nil {
		return 0, 0, 0, err
	}
	size = -1
	if total != "*" {
		if size, err = parseBytePos(total); err != nil {
			return 0, 0, 0, err
		}
	}
	if first > last || size >= 0 && last >= size {
		return 0, 0, 0, errContentRange
	}
	return first, last, size, nil
}

// parseBytePos reads a byte position: decimal digits only, no sign.
func parseBytePos(s string) (int64, error) {
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, errContentRange
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, errContentRange
	}
	return n, nil
}
