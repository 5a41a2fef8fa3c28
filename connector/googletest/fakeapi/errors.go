package fakeapi

import (
	"fmt"
	"net/http"
	"strings"
)

// API names accepted by WriteError and Error.Write.
const (
	APIPeople   = "people"
	APICalendar = "calendar"
	APIDrive    = "drive"
)

// Error is one Google API error. Write renders it in the envelope of the API
// that returns it (google-spec.md §2.1): Calendar and Drive use the legacy
// errors[] array next to the modern status and ErrorInfo details, People
// (a One Platform API) uses only code, message, status and details.
type Error struct {
	// Code is the HTTP status.
	Code int
	// Reason is either a legacy reason ("notFound", "insufficientPermissions")
	// or an ErrorInfo reason ("EXPIRED_SYNC_TOKEN"); Write maps one to the
	// other where Google has both.
	Reason string
	// Message is the human-readable message.
	Message string
	// Status overrides the canonical status derived from Code and Reason.
	Status string
	// Location and LocationType name the offending header or parameter;
	// they default per reason (the Authorization header for 401s).
	Location, LocationType string
	// Method is Google's RPC method name for the ErrorInfo metadata, such as
	// "calendar.v3.Events.List"; it is omitted when empty.
	Method string
}

// Error makes Error an error, so that parsers can return it.
func (e Error) Error() string { return fmt.Sprintf("%d %s: %s", e.Code, e.Reason, e.Message) }

// WriteError writes Google's error envelope for api ("people", "calendar"
// or "drive") with the HTTP code, reason and message. The status, domain,
// ErrorInfo details and location follow from the code and reason as in the
// catalogue of google-spec.md §2.2.
func WriteError(w http.ResponseWriter, api string, code int, reason, message string) {
	Error{Code: code, Reason: reason, Message: message}.Write(w, api)
}

// reasonInfo is what Google attaches to a reason.
type reasonInfo struct {
	legacy, domain         string // errors[].reason and errors[].domain
	info, infoDomain       string // ErrorInfo reason and domain, "" for none
	status                 string // overrides the status derived from the code
	location, locationType string
	itemMessage            string // errors[].message when it differs from message
}

// describe returns what Google attaches to reason for an error with code.
func describe(code int, reason string) reasonInfo {
	switch reason {
	case "required", "CREDENTIALS_MISSING":
		if code == http.StatusUnauthorized {
			return reasonInfo{legacy: "required", domain: "global", info: "CREDENTIALS_MISSING", infoDomain: "googleapis.com",
				location: "Authorization", locationType: "header", itemMessage: "Login Required."}
		}
		return reasonInfo{legacy: "required", domain: "global", locationType: "parameter"}
	case "authError", "ACCESS_TOKEN_EXPIRED":
		return reasonInfo{legacy: "authError", domain: "global", info: "ACCESS_TOKEN_EXPIRED", infoDomain: "googleapis.com",
			location: "Authorization", locationType: "header", itemMessage: "Invalid Credentials"}
	case "insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT":
		return reasonInfo{legacy: "insufficientPermissions", domain: "global", info: "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
			infoDomain: "googleapis.com", itemMessage: "Insufficient Permission"}
	case "rateLimitExceeded", "userRateLimitExceeded", "RATE_LIMIT_EXCEEDED":
		legacy := reason
		if legacy == "RATE_LIMIT_EXCEEDED" {
			legacy = "rateLimitExceeded"
		}
		return reasonInfo{legacy: legacy, domain: "usageLimits", info: "RATE_LIMIT_EXCEEDED", infoDomain: "googleapis.com"}
	case "quotaExceeded":
		return reasonInfo{legacy: reason, domain: "usageLimits"}
	case "accessNotConfigured", "SERVICE_DISABLED":
		return reasonInfo{legacy: "accessNotConfigured", domain: "usageLimits", info: "SERVICE_DISABLED", infoDomain: "googleapis.com"}
	case "fullSyncRequired":
		return reasonInfo{legacy: reason, domain: "calendar", location: "syncToken", locationType: "parameter"}
	case "updatedMinTooLongAgo":
		return reasonInfo{legacy: reason, domain: "calendar", location: "updatedMin", locationType: "parameter"}
	case "timeRangeEmpty":
		return reasonInfo{legacy: reason, domain: "calendar", location: "timeMax", locationType: "parameter"}
	case "EXPIRED_SYNC_TOKEN":
		return reasonInfo{legacy: "badRequest", domain: "global", info: reason, infoDomain: "people.googleapis.com",
			status: "FAILED_PRECONDITION", location: "syncToken", locationType: "parameter"}
	case "":
		return reasonInfo{legacy: defaultReason(code), domain: "global"}
	}
	if isInfoReason(reason) {
		return reasonInfo{legacy: defaultReason(code), domain: "global", info: reason, infoDomain: "googleapis.com"}
	}
	return reasonInfo{legacy: reason, domain: "global"}
}

// isInfoReason reports whether reason is in ErrorInfo's UPPER_SNAKE form.
func isInfoReason(reason string) bool {
	return strings.IndexFunc(reason, func(r rune) bool { return (r < 'A' || r > 'Z') && r != '_' }) < 0
}

// defaultReason is the legacy reason Google uses for a bare status code.
func defaultReason(code int) string {
	switch code {
	case http.StatusBadRequest:
		return "badRequest"
	case http.StatusUnauthorized:
		return "authError"
	case http.StatusForbidden:
		return "forbidden"
	case http.StatusNotFound:
		return "notFound"
	case http.StatusConflict:
		return "conflict"
	case http.StatusPreconditionFailed:
		return "conditionNotMet"
	case http.StatusRequestedRangeNotSatisfiable:
		return "requestedRangeNotSatisfiable"
	case http.StatusTooManyRequests:
		return "rateLimitExceeded"
	default:
		return "backendError"
	}
}

// canonicalStatus is the google.rpc.Code name for an HTTP status, "" for
// statuses that have none (such as 410 and 416).
func canonicalStatus(code int) string {
	switch code {
	case http.StatusBadRequest:
		return "INVALID_ARGUMENT"
	case http.StatusUnauthorized:
		return "UNAUTHENTICATED"
	case http.StatusForbidden:
		return "PERMISSION_DENIED"
	case http.StatusNotFound:
		return "NOT_FOUND"
	case http.StatusConflict:
		return "ABORTED"
	case http.StatusPreconditionFailed:
		return "FAILED_PRECONDITION"
	case http.StatusTooManyRequests:
		return "RESOURCE_EXHAUSTED"
	case http.StatusInternalServerError:
		return "INTERNAL"
	case http.StatusNotImplemented:
		return "UNIMPLEMENTED"
	case http.StatusBadGateway, http.StatusServiceUnavailable:
		return "UNAVAILABLE"
	case http.StatusGatewayTimeout:
		return "DEADLINE_EXCEEDED"
	}
	return ""
}

// serviceName is the ErrorInfo metadata service of an API.
func serviceName(api string) string {
	switch api {
	case APICalendar:
		return "calendar-json.googleapis.com"
	case APIDrive:
		return "drive.googleapis.com"
	default:
		return "people.googleapis.com"
	}
}

// The error envelope {"error": {...}} and its parts.
type (
	errorBody struct {
		Error errorJSON `json:"error"`
	}

	errorJSON struct {
		Code    int             `json:"code"`
		Message string          `json:"message"`
		Errors  []errorItemJSON `json:"errors,omitempty"`
		Status  string          `json:"status,omitempty"`
		Details []errorInfoJSON `json:"details,omitempty"`
	}

	errorItemJSON struct {
		Message      string `json:"message"`
		Domain       string `json:"domain"`
		Reason       string `json:"reason"`
		Location     string `json:"location,omitempty"`
		LocationType string `json:"locationType,omitempty"`
	}

	errorInfoJSON struct {
		Type     string            `json:"@type"`
		Reason   string            `json:"reason"`
		Domain   string            `json:"domain"`
		Metadata map[string]string `json:"metadata,omitempty"`
	}
)

// Write renders e as api's error envelope.
func (e Error) Write(w http.ResponseWriter, api string) {
	d := describe(e.Code, e.Reason)
	body := errorJSON{Code: e.Code, Message: e.Message, Status: e.Status}
	if body.Status == "" {
		body.Status = d.status
	}
	if body.Status == "" {
		body.Status = canonicalStatus(e.Code)
	}
	if d.info != "" {
		info := errorInfoJSON{Type: "type.googleapis.com/google.rpc.ErrorInfo", Reason: d.info, Domain: d.infoDomain}
		if d.infoDomain == "googleapis.com" {
			info.Metadata = map[string]string{"service": serviceName(api)}
			if e.Method != "" {
				info.Metadata["method"] = e.Method
			}
		}
		body.Details = []errorInfoJSON{info}
	}
	if api != APIPeople {
		item := errorItemJSON{Message: e.Message, Domain: d.domain, Reason: d.legacy,
			Location: d.location, LocationType: d.locationType}
		if d.itemMessage != "" {
			item.Message = d.itemMessage
		}
		if e.Location != "" {
			item.Location = e.Location
		}
		if e.LocationType != "" {
			item.LocationType = e.LocationType
		}
		if item.Location == "" {
			item.LocationType = ""
		}
		body.Errors = []errorItemJSON{item}
	}
	writeJSON(w, e.Code, errorBody{Error: body})
}

// badRequest is a 400 with reason "badRequest" (People: INVALID_ARGUMENT).
func badRequest(message string) Error {
	return Error{Code: http.StatusBadRequest, Reason: "badRequest", Message: message}
}

// invalidParam is a 400 with reason "invalid" about one query parameter.
func invalidParam(param, message string) Error {
	return Error{Code: http.StatusBadRequest, Reason: "invalid", Message: message, Location: param, LocationType: "parameter"}
}

// requiredParam is a 400 with reason "required" for a missing parameter.
func requiredParam(param string) Error {
	return Error{Code: http.StatusBadRequest, Reason: "required", Message: "Required parameter: " + param,
		Location: param, LocationType: "parameter"}
}

// notFound is a 404 with reason "notFound".
func notFound(message string) Error {
	return Error{Code: http.StatusNotFound, Reason: "notFound", Message: message}
}
