package googletest

import (
	"net/http"

	"github.com/scopetrail/scopetrail/connector/googletest/fakeapi"
)

// faultTarget is the API request a fault fires on.
type faultTarget struct {
	api   string // "people", "calendar" or "drive"
	rpc   string // the method's RPC name for ErrorInfo metadata
	email string
}

// apiFaultError is the error answer of a fault kind that answers an API
// request with an error, as in the catalogue of spec §2.2.
func apiFaultError(k FaultKind) (fakeapi.Error, bool) {
	switch k {
	case FaultRateLimit:
		return fakeapi.Error{Code: http.StatusForbidden, Reason: "rateLimitExceeded", Message: "Rate Limit Exceeded"}, true
	case FaultTooManyRequests:
		return fakeapi.Error{Code: http.StatusTooManyRequests, Reason: "rateLimitExceeded", Message: "Rate Limit Exceeded"}, true
	case FaultUserRateLimit:
		return fakeapi.Error{Code: http.StatusForbidden, Reason: "userRateLimitExceeded", Message: "User Rate Limit Exceeded"}, true
	case FaultBackendError:
		return fakeapi.Error{Code: http.StatusInternalServerError, Reason: "backendError", Message: "Backend Error"}, true
	case FaultUnavailable:
		return fakeapi.Error{Code: http.StatusServiceUnavailable, Reason: "backendError", Message: "The service is currently unavailable."}, true
	}
	return fakeapi.Error{}, false
}

// injectAPIFault serves an API request on which fault f fired.
func (s *Server) injectAPIFault(w http.ResponseWriter, r *http.Request, f Fault, t faultTarget, next http.Handler) {
	if !sleep(r.Context(), f.Delay) {
		return
	}
	if e, ok := apiFaultError(f.Kind); ok {
		if ra := f.retryAfter(); ra != "" {
			w.Header().Set("Retry-After", ra)
		}
		e.Method = t.rpc
		e.Write(w, t.api)
		return
	}
	switch f.Kind {
	case FaultCutBody:
		cutBody(w, r, next)
	case FaultExpireSyncTokens:
		s.api.ExpireSyncTokens(t.email)
		next.ServeHTTP(w, r)
	case FaultRevokeApp:
		s.RevokeUser(t.email)
		w.Header().Set("WWW-Authenticate", realm+`, error="invalid_token"`)
		fakeapi.Error{Code: http.StatusUnauthorized, Reason: "ACCESS_TOKEN_EXPIRED", Message: msgInvalidCredentials, Method: t.rpc}.Write(w, t.api)
	default:
		next.ServeHTTP(w, r)
	}
}

// injectTokenFault serves a refresh_token grant on which fault f fired;
// redeem serves it normally.
func (s *Server) injectTokenFault(w http.ResponseWriter, r *http.Request, f Fault, refresh string, redeem http.HandlerFunc) {
	if !sleep(r.Context(), f.Delay) {
		return
	}
	if ra := f.retryAfter(); ra != "" && (f.Kind == FaultBackendError || f.Kind == FaultUnavailable) {
		w.Header().Set("Retry-After", ra)
	}
	switch f.Kind {
	case FaultInvalidGrant:
		s.revokeToken(refresh, "")
		writeOAuthError(w, errExpiredGrant)
	case FaultTestingExpiry:
		s.dropRefresh(refresh)
		writeOAuthError(w, errExpiredGrant)
	case FaultBackendError:
		writeOAuthError(w, &oauthError{http.StatusInternalServerError, "server_error", "Backend Error"})
	case FaultUnavailable:
		writeOAuthError(w, &oauthError{http.StatusServiceUnavailable, "temporarily_unavailable", "The service is currently unavailable."})
	case FaultCutBody:
		cutBody(w, r, redeem)
	default:
		redeem(w, r)
	}
}
