package googlehttp

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"golang.org/x/oauth2"
	"google.golang.org/api/googleapi"
)

// failedRefresh is what a failed refresh means: the reason, as the
// refresh_failed entry of its last request gives it, and the error the
// request that needed the token returns.
type failedRefresh struct {
	reason string
	err    error
}

// refreshFailure says what the failure err of a refresh of userID's token
// means. Only two answers mean the user must act: invalid_grant (the grant
// was revoked; the error wraps ErrRevoked) and unauthorized_client (the
// refresh token belongs to another client; ErrNoToken). invalid_client is
// ScopeTrail's configuration (a *ClientConfigError). A 5xx or a 429 of the
// token endpoint is a *googleapi.Error with that status and a reason such as
// "token_endpoint_503", which Classify finds transient or rate-limited, as
// it finds a broken connection or a timeout: an outage is retried like any
// other call. Any other refusal is a *googleapi.Error Classify finds
// permanent.
func refreshFailure(userID string, err error) failedRefresh {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return failedRefresh{failureReason(err, "transport_error"), fmt.Errorf("googlehttp: refreshing the token of %s: %w", userID, err)}
	}
	// Never wrap re itself: its message holds the response body.
	status, header := 0, http.Header{}
	if re.Response != nil {
		status = re.Response.StatusCode
		if ra := re.Response.Header.Get("Retry-After"); ra != "" {
			header.Set("Retry-After", ra)
		}
	}
	reason := refreshReason(status, re.ErrorCode)
	switch reason {
	case "invalid_client":
		// The token endpoint refused ScopeTrail's own credentials.
		return failedRefresh{reason, fmt.Errorf("refreshing the token of %s: %w", userID,
			&ClientConfigError{Endpoint: "token", Status: status, Code: reason})}
	case "invalid_grant":
		return failedRefresh{reason, fmt.Errorf("%w: refreshing the token of %s: invalid_grant", ErrRevoked, userID)}
	case "unauthorized_client":
		return failedRefresh{reason, fmt.Errorf("%w: refreshing the token of %s: %s", ErrNoToken, userID, reason)}
	}
	msg := "the token endpoint refused the refresh"
	if status >= 500 || status == http.StatusTooManyRequests {
		msg = "the token endpoint is unavailable"
	}
	return failedRefresh{reason, fmt.Errorf("googlehttp: refreshing the token of %s: %w", userID,
		&googleapi.Error{Code: status, Message: msg, Header: header, Errors: []googleapi.ErrorItem{{Reason: reason}}})}
}

// refreshReason is the reason a refresh_failed entry gives for the token
// endpoint's answer with status and OAuth error code: the three codes that
// decide what to do, "token_endpoint_" and the status for a 5xx or a 429,
// and otherwise the code, or "token_endpoint_error" without one.
func refreshReason(status int, code string) string {
	switch {
	case code == "invalid_client" || code == "invalid_grant" || code == "unauthorized_client":
		return code
	case status >= 500 || status == http.StatusTooManyRequests:
		return "token_endpoint_" + strconv.Itoa(status)
	}
	return cmp.Or(code, "token_endpoint_error")
}
