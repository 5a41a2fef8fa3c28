package recordings

import (
	"errors"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
)

// Codes of the failures of recordings' own, kept as the reason of a failed
// file beside googlehttp's codes.
const (
	// CodeExportTooLarge: Drive cannot export the transcript, larger than
	// MaxExport (Google's reason exportSizeLimitExceeded).
	CodeExportTooLarge = string(googlehttp.ClassPermanent) + ".exportSizeLimitExceeded"
	// CodeChecksum: the download did not match Drive's size and md5
	// checksum.
	CodeChecksum = string(googlehttp.ClassInternal) + ".md5_mismatch"
)

// failureOf returns the code kept as the reason of a failed step, and its
// detail: recordings' own code for a transcript too large to export or a
// download that did not match, googlehttp.Classify's otherwise. Neither
// holds a token, a URL or an error's text.
func failureOf(err error) (code, detail string) {
	switch {
	case errors.Is(err, ErrExportTooLarge):
		return CodeExportTooLarge, ""
	case errors.Is(err, ErrVerify):
		return CodeChecksum, ""
	}
	f := googlehttp.Classify(err)
	return f.Code, f.Detail
}
