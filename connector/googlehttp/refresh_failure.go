package googlehttp

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"

	"golang.org/x/oauth2"
	"google.golang.org/api/googleapi"
)

// failedRefresh is what a failed refresh means: the reason its audit entry
// gives, and the error the request that needed it returns.
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
		reason := "transport_error"
		var ne net.Error
		if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
			reason = "timeout"
		}
		return failedRefresh{reason, fmt.Errorf("googlehttp: refreshing the token of %s: %w", userID, err)}
	}
	// Never wrap re itself: its message holds the response body.
	status, header := 0, http.Header{}
	if re.Response != nil {
		status = re.Response.StatusCode
		if ra := re.Response.Header.Get("Retry-After"); ra != "" {
			header.Set("Retry-After", ra)
		}
	}
	switch code := re.ErrorCode; {
	case code == "invalid_client":
		// The token endpoint refused ScopeTrail's own credentials.
		return failedRefresh{code, fmt.Errorf("refreshing the token of %s: %w", userID,
			&ClientConfigError{Endpoint: "token", Status: status, Code: code})}
	case code == "invalid_grant":
		return failedRefresh{code, fmt.Errorf("%w: refreshing the token of %s: invalid_grant", ErrRevoked, userID)}
	case code == "unauthorized_client":
		return failedRefresh{code, fmt.Errorf("%w: refreshing the token of %s: %s", ErrNoToken, userID, code)}
	case status >= 500 || status == http.StatusTooManyRequests:
		reason := "token_endpoint_" + strconv.Itoa(status)
		return failedRefresh{reason, fmt.Errorf("googlehttp: refreshing the token of %s: %w", userID,
			&googleapi.Error{Code: status, Message: "the token endpoint is unavailable", Header: header,
				Errors: []googleapi.ErrorItem{{Reason: reason}}})}
	default:
		reason := cmp.Or(code, "token_endpoint_error")
		return failedRefresh{reason, fmt.Errorf("googlehttp: refreshing the token of %s: %w", userID,
			&googleapi.Error{Code: status, Message: "the token endpoint refused the refresh", Errors: []googleapi.ErrorItem{{Reason: reason}}})}
	}
}

// readErrBody is a token endpoint's response body that keeps the first
// read error other than io.EOF, which golang.org/x/oauth2 reports only as
// text, so that a cut answer is seen as the connection failure it is.
type readErrBody struct {
	io.ReadCloser
	err *error
}

func (b *readErrBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF && *b.err == nil {
		*b.err = err
	}
	return n, err
}
