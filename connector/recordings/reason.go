package recordings

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"google.golang.org/api/googleapi"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/retry"
)

// maxReason bounds a stored reason.
const maxReason = 300

// reasonFor says why a step failed, in words a member can act on. It holds
// Google's status, reason and message, never a token or a URL.
func reasonFor(err error) string {
	var (
		msg    string
		gerr   *googleapi.Error
		denied *googlehttp.DeniedError
		rerr   *retry.Error
		uerr   *url.Error
	)
	switch {
	case errors.Is(err, ErrExportTooLarge):
		msg = "Drive cannot export this transcript: it is larger than 10 MB (exportSizeLimitExceeded)"
	case errors.Is(err, ErrVerify):
		msg = "the download did not match Drive's size and md5 checksum"
	case errors.As(err, &denied):
		msg = "refused by ScopeTrail's access policy (" + string(denied.Reason) + "); link Recordings again on the dashboard"
	case errors.As(err, &gerr):
		var reasons []string
		for _, e := range gerr.Errors {
			reasons = append(reasons, e.Reason)
		}
		msg = fmt.Sprintf("Google answered %d", gerr.Code)
		if len(reasons) > 0 {
			msg += " " + strings.Join(reasons, ", ")
		}
		if gerr.Message != "" {
			msg += ": " + gerr.Message
		}
	case errors.As(err, &uerr):
		msg = "the connection to Google failed: " + uerr.Err.Error()
	default:
		msg = err.Error()
	}
	if errors.As(err, &rerr) && rerr.Attempts > 1 {
		msg += fmt.Sprintf(" (after %d attempts)", rerr.Attempts)
	}
	if len(msg) > maxReason {
		msg = strings.ToValidUTF8(msg[:maxReason], "") + "…"
	}
	return msg
}
