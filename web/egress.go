package web

import (
	"fmt"
	"time"
)

// The report page's transcription egress section: what audio went to which
// engine and host, summed from the audit log by report.Builder.

// EgressKnown reports whether the report sums transcription egress (its
// Builder has an EgressSource), even when no audio went anywhere.
func (p reportPage) EgressKnown() bool { return p.Egress != nil }

// Bytes writes a size in bytes for people.
func (reportPage) Bytes(n int64) string { return byteSize(n) }

// Audio writes a duration of audio as h:mm:ss.
func (reportPage) Audio(d time.Duration) string {
	s := int64(d / time.Second)
	return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
}
