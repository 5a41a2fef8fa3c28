package auditcli

import (
	"fmt"
	"strconv"
	"time"

	"github.com/scopetrail/scopetrail/scopes"
)

// stamp writes a time for people, in UTC.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// shortScope is a scope's short name, or the scope as given when unknown.
func shortScope(scope string) string {
	if s, ok := scopes.Lookup(scope); ok {
		return s.Short
	}
	return scope
}

// count writes n with a comma between each group of three digits, as
// "1,234,567".
func count(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// entries writes a count of entries, as "1 entry" or "12,000 entries".
func entries(n int64) string {
	if n == 1 {
		return "1 entry"
	}
	return count(n) + " entries"
}

// byteSize writes a number of bytes in decimal units, as "512 B" or
// "3.4 MB"; "" for 0.
func byteSize(n int64) string {
	if n == 0 {
		return ""
	}
	if n < 1000 {
		return fmt.Sprintf("%d B", n)
	}
	v, units := float64(n)/1000, "kMGTPE"
	for v >= 999.95 && len(units) > 1 {
		v, units = v/1000, units[1:]
	}
	return fmt.Sprintf("%.1f %cB", v, units[0])
}

// seconds writes how long a command took, as "1.2 s" or "340 ms".
func seconds(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}
