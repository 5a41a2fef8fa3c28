package googletest

import (
	"context"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FaultKind is what an injected fault does.
type FaultKind string

// The faults the fake can inject. API faults apply to API requests; token
// faults apply to refresh_token grants at /token (Fault.Method "token").
// FaultLatency, FaultCutBody, FaultBackendError and FaultUnavailable apply
// to both. A kind that does not apply to a request lets it through.
const (
	// FaultRateLimit answers 403 rateLimitExceeded.
	FaultRateLimit FaultKind = "rate_limit"
	// FaultTooManyRequests answers 429 rateLimitExceeded.
	FaultTooManyRequests FaultKind = "too_many_requests"
	// FaultUserRateLimit answers 403 userRateLimitExceeded.
	FaultUserRateLimit FaultKind = "user_rate_limit"
	// FaultBackendError answers 500 backendError.
	FaultBackendError FaultKind = "backend_error"
	// FaultUnavailable answers 503.
	FaultUnavailable FaultKind = "unavailable"
	// FaultLatency only adds Fault.Delay (any kind may add a Delay).
	FaultLatency FaultKind = "latency"
	// FaultCutBody sends the headers and half of the body, then cuts the
	// connection.
	FaultCutBody FaultKind = "cut_body"
	// FaultExpireSyncTokens expires the user's sync tokens before serving
	// the request: People then answers 400 EXPIRED_SYNC_TOKEN and Calendar
	// 410 fullSyncRequired.
	FaultExpireSyncTokens FaultKind = "expire_sync_tokens"
	// FaultRevokeApp does what the user does by removing the app from their
	// Google account (see RevokeUser), then answers the request with 401.
	FaultRevokeApp FaultKind = "revoke_app"
	// FaultInvalidGrant ends the grant of the refresh token being used, as a
	// revocation does: invalid_grant "Token has been expired or revoked.".
	FaultInvalidGrant FaultKind = "invalid_grant"
	// FaultTestingExpiry expires the refresh token being used, as the 7-day
	// limit of a client in Testing status does, with the same answer.
	FaultTestingExpiry FaultKind = "testing_expiry"
)

// MethodToken is the Fault.Method that targets refresh_token grants.
const MethodToken = "token"

// Fault describes a fault to inject.
type Fault struct {
	// Method is the Google method id the fault targets, such as
	// "drive.files.list" (one the fake serves, see scopeOracle),
	// MethodToken for refresh_token grants, or "" for every API method.
	Method string
	// User is the email address the fault targets, "" for everyone.
	User string
	Kind FaultKind
	// Count is how many times the fault fires; 0 means forever.
	Count int
	// RetryAfter, when positive, adds a Retry-After header (in whole
	// seconds, rounded up) to rate-limit and 5xx answers.
	RetryAfter time.Duration
	// Delay is waited before the fault's effect, or before serving the
	// request for FaultLatency. A client that gives up ends the wait.
	Delay time.Duration
	// Probability, between 0 and 1, makes the fault fire at random (from
	// Options.Seed) for each matching request; 0 means always.
	Probability float64
}

// faultSet holds the active faults, in the order they were added.
type faultSet struct {
	mu     sync.Mutex
	rng    *rand.Rand
	nextID int
	active []*activeFault
}

// activeFault is a fault with its id and the count of remaining firings.
type activeFault struct {
	ID string
	Fault
	Remaining int
}

func newFaultSet(seed uint64) *faultSet {
	return &faultSet{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// AddFault adds a fault and returns its id. The first added fault that
// matches a request and fires decides what happens to it.
func (s *Server) AddFault(f Fault) string {
	fs := s.faults
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.nextID++
	a := &activeFault{ID: "f" + strconv.Itoa(fs.nextID), Fault: f, Remaining: f.Count}
	fs.active = append(fs.active, a)
	return a.ID
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.active = nil
}

// list returns copies of the active faults.
func (fs *faultSet) list() []activeFault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	out := make([]activeFault, len(fs.active))
	for i, a := range fs.active {
		out[i] = *a
	}
	return out
}

// match returns the fault that fires for a request of method by user, if
// any, counting the firing.
func (fs *faultSet) match(method, user string) (Fault, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, a := range fs.active {
		if a.Method != method && (a.Method != "" || method == MethodToken) {
			continue
		}
		if a.User != "" && !strings.EqualFold(a.User, user) {
			continue
		}
		if a.Probability > 0 && fs.rng.Float64() >= a.Probability {
			continue
		}
		if a.Count > 0 {
			a.Remaining--
			if a.Remaining == 0 {
				fs.active = slices.Delete(fs.active, i, i+1)
			}
		}
		return a.Fault, true
	}
	return Fault{}, false
}

// sleep waits d unless ctx ends first; it reports whether the wait ran
// to its end.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// retryAfter is the Retry-After value of a fault, "" for none.
func (f Fault) retryAfter() string {
	if f.RetryAfter <= 0 {
		return ""
	}
	return strconv.FormatInt(int64((f.RetryAfter+time.Second-1)/time.Second), 10)
}
