package jobs

import (
	"regexp"
	"strings"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
)

// CodeNotWired is the failure code of a job whose kind has no worker in
// this process. A failure that River recorded itself (a panic, say), or an
// older version recorded as text, has googlehttp.CodeUnknown.
const CodeNotWired = "not_wired"

// failedError is a failed attempt: its message, which River stores, is the
// failure's code and redacted detail; it unwraps to the original error.
type failedError struct {
	code, detail string
	err          error
}

func (e *failedError) Error() string { return strings.TrimSpace("[" + e.code + "] " + e.detail) }
func (e *failedError) Unwrap() error { return e.err }

// storedFailure reads a message River stored: the code and detail of a
// failedError, which River may have prefixed with the name of its own error
// type ("JobCancelError: "). Any other message is googlehttp.CodeUnknown,
// without its text.
var storedFailure = regexp.MustCompile(`(?s)^(?:[A-Za-z]+Error: )?\[([A-Za-z0-9_.]+)\] ?(.*)$`)

// failure returns the code and detail of a stored message.
func failure(msg string) (code, detail string) {
	m := storedFailure.FindStringSubmatch(msg)
	if m == nil {
		return googlehttp.CodeUnknown, ""
	}
	return m[1], googlehttp.Redact(m[2])
}
