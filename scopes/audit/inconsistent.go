package audit

import (
	"errors"
	"fmt"
)

// ErrInconsistent means the stored trail disagrees with itself: a row lies
// past the chain head, the head does not match the rows, or an entry does
// not hash or link as it should. The trail refuses appends until an
// operator has looked: `scopetrail audit verify` names the first bad entry.
var ErrInconsistent = errors.New("audit: trail inconsistent")

// InconsistentError is the error, wrapping ErrInconsistent, that appends
// and checkpoints return when the stored trail disagrees with itself at
// entry Seq.
type InconsistentError struct {
	Seq    int64
	Detail string
}

// Error says where the trail broke and how to investigate.
func (e *InconsistentError) Error() string {
	return fmt.Sprintf("audit trail inconsistent at entry %d: %s; nothing is appended until it is resolved: "+
		"run `scopetrail audit verify` to name the first bad entry", e.Seq, e.Detail)
}

// Unwrap returns ErrInconsistent.
func (e *InconsistentError) Unwrap() error { return ErrInconsistent }

func inconsistent(seq int64, format string, args ...any) error {
	return &InconsistentError{Seq: seq, Detail: fmt.Sprintf(format, args...)}
}
