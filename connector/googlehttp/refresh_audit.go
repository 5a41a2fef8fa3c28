package googlehttp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/scopetrail/scopetrail/scopes/audit"
)

// maxTokenAnswer bounds the token endpoint's answer that is read, as
// golang.org/x/oauth2 bounds it.
const maxTokenAnswer = 1 << 20

// auditedTokenEndpoint is the transport of one refresh. It sends each
// request to the token endpoint between a pending refresh entry of its own
// and its outcome (refresh, or refresh_failed with a reason), which it
// records before the library sees the answer. golang.org/x/oauth2 may send
// a second request in one refresh, when it detects the authentication
// style; each request has its entry.
type auditedTokenEndpoint struct {
	door  *Door
	ctx   context.Context
	entry audit.Entry
	// cerr holds the failures to record outcomes.
	cerr error
}

func (t *auditedTokenEndpoint) RoundTrip(r *http.Request) (*http.Response, error) {
	begin, err := t.door.trail.Begin(t.ctx, t.entry)
	if err != nil {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, fmt.Errorf("%w: %w", ErrAuditUnavailable, err)
	}
	start := time.Now()
	res := audit.Result{Event: audit.EventRefreshFailed, Outcome: audit.OutcomeError}
	resp, err := t.door.base.RoundTrip(r)
	var body []byte
	if err == nil {
		res.HTTPStatus = resp.StatusCode
		// A cut answer fails here, as a connection failure, and not in
		// the library, which would keep only its text.
		body, err = io.ReadAll(io.LimitReader(resp.Body, maxTokenAnswer))
		resp.Body.Close()
		res.NumResponseBytes = int64(len(body))
	}
	res.Latency = time.Since(start)
	switch {
	case err != nil:
		res.ErrorReason = failureReason(err, "transport_error")
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		res.Event, res.Outcome = audit.EventRefresh, audit.OutcomeOK
	default:
		res.ErrorReason = refreshReason(resp.StatusCode, oauthErrorCode(body))
	}
	t.cerr = errors.Join(t.cerr, t.door.complete(t.ctx, begin, res))
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}
