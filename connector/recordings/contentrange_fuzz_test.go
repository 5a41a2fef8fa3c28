package recordings

import (
	"strconv"
	"testing"
)

// FuzzContentRange checks parseContentRange on any header: what it accepts
// is a range within the file (0 <= first <= last, last < size when the size
// is known) that, written again in RFC 9110's form, reads the same; and
// every range written in that form is read back as it was written.
func FuzzContentRange(f *testing.F) {
	for _, v := range []string{
		"bytes 0-99/100", "bytes 100-199/1000", "bytes 5-5/*", "bytes */1000",
		"bytes 10-5/100", "bytes 0-100/100", "bytes -1-5/10", "bytes +1-5/10",
		"bytes 0-9223372036854775807/*", "bytes 0-9223372036854775808/*",
		"bytes 00-01/02", "bytes  0-1/2", "Bytes 0-1/2", "items 0-1/2", "bytes 0-1/2/3", "",
	} {
		f.Add(v, int64(0), int64(0), int64(0))
	}
	f.Add("", int64(100), int64(199), int64(1000))
	f.Fuzz(func(t *testing.T, v string, a, b, n int64) {
		first, last, size, err := parseContentRange(v)
		if err == nil {
			if first < 0 || first > last || size < -1 || size >= 0 && last >= size {
				t.Fatalf("parseContentRange(%q) = %d, %d, %d: not a range within the file", v, first, last, size)
			}
			f2, l2, s2, err := parseContentRange(format(first, last, size))
			if err != nil || f2 != first || l2 != last || s2 != size {
				t.Fatalf("parseContentRange(%q) = %d-%d/%d, which written again reads as %d-%d/%d, %v", v, first, last, size, f2, l2, s2, err)
			}
		}
		if a < 0 || b < a || n < -1 || n >= 0 && b >= n {
			return
		}
		f2, l2, s2, err := parseContentRange(format(a, b, n))
		if err != nil || f2 != a || l2 != b || s2 != n {
			t.Fatalf("%q reads as %d, %d, %d, %v", format(a, b, n), f2, l2, s2, err)
		}
	})
}

// format writes a Content-Range as Drive does; size -1 is "*".
func format(first, last, size int64) string {
	total := "*"
	if size >= 0 {
		total = strconv.FormatInt(size, 10)
	}
	return "bytes " + strconv.FormatInt(first, 10) + "-" + strconv.FormatInt(last, 10) + "/" + total
}
