package sqldb

import "time"

// Micros returns t as the tables store times: microseconds since the Unix
// epoch, 0 for the zero time.
func Micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// FromMicros returns the time stored as us microseconds since the Unix
// epoch, in UTC; 0 is the zero time.
func FromMicros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}
