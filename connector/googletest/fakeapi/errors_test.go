package fakeapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/googletest/fakeapi"
)

func TestWriteError(t *testing.T) {
	t.Parallel()
	info := func(reason, domain string, meta map[string]any) map[string]any {
		m := map[string]any{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason, "domain": domain}
		if meta != nil {
			m["metadata"] = meta
		}
		return m
	}
	tests := []struct {
		api    string
		code   int
		reason string
		want   map[string]any
	}{
		{"calendar", 403, "insufficientPermissions", map[string]any{"code": 403.0, "message": "m", "status": "PERMISSION_DENIED",
			"errors":  []any{map[string]any{"message": "Insufficient Permission", "domain": "global", "reason": "insufficientPermissions"}},
			"details": []any{info("ACCESS_TOKEN_SCOPE_INSUFFICIENT", "googleapis.com", map[string]any{"service": "calendar-json.googleapis.com"})}}},
		{"people", 403, "ACCESS_TOKEN_SCOPE_INSUFFICIENT", map[string]any{"code": 403.0, "message": "m", "status": "PERMISSION_DENIED",
			"details": []any{info("ACCESS_TOKEN_SCOPE_INSUFFICIENT", "googleapis.com", map[string]any{"service": "people.googleapis.com"})}}},
		{"drive", 401, "authError", map[string]any{"code": 401.0, "message": "m", "status": "UNAUTHENTICATED",
			"errors": []any{map[string]any{"message": "Invalid Credentials", "domain": "global", "reason": "authError",
				"location": "Authorization", "locationType": "header"}},
			"details": []any{info("ACCESS_TOKEN_EXPIRED", "googleapis.com", map[string]any{"service": "drive.googleapis.com"})}}},
		{"drive", 401, "required", map[string]any{"code": 401.0, "message": "m", "status": "UNAUTHENTICATED",
			"errors": []any{map[string]any{"message": "Login Required.", "domain": "global", "reason": "required",
				"location": "Authorization", "locationType": "header"}},
			"details": []any{info("CREDENTIALS_MISSING", "googleapis.com", map[string]any{"service": "drive.googleapis.com"})}}},
		{"calendar", 410, "fullSyncRequired", map[string]any{"code": 410.0, "message": "m",
			"errors": []any{map[string]any{"message": "m", "domain": "calendar", "reason": "fullSyncRequired",
				"location": "syncToken", "locationType": "parameter"}}}},
		{"drive", 429, "rateLimitExceeded", map[string]any{"code": 429.0, "message": "m", "status": "RESOURCE_EXHAUSTED",
			"errors":  []any{map[string]any{"message": "m", "domain": "usageLimits", "reason": "rateLimitExceeded"}},
			"details": []any{info("RATE_LIMIT_EXCEEDED", "googleapis.com", map[string]any{"service": "drive.googleapis.com"})}}},
		{"calendar", 403, "userRateLimitExceeded", map[string]any{"code": 403.0, "message": "m", "status": "PERMISSION_DENIED",
			"errors":  []any{map[string]any{"message": "m", "domain": "usageLimits", "reason": "userRateLimitExceeded"}},
			"details": []any{info("RATE_LIMIT_EXCEEDED", "googleapis.com", map[string]any{"service": "calendar-json.googleapis.com"})}}},
		{"people", 400, "EXPIRED_SYNC_TOKEN", map[string]any{"code": 400.0, "message": "m", "status": "FAILED_PRECONDITION",
			"details": []any{info("EXPIRED_SYNC_TOKEN", "people.googleapis.com", nil)}}},
		{"people", 400, "badRequest", map[string]any{"code": 400.0, "message": "m", "status": "INVALID_ARGUMENT"}},
		{"drive", 500, "backendError", map[string]any{"code": 500.0, "message": "m", "status": "INTERNAL",
			"errors": []any{map[string]any{"message": "m", "domain": "global", "reason": "backendError"}}}},
		{"drive", 503, "", map[string]any{"code": 503.0, "message": "m", "status": "UNAVAILABLE",
			"errors": []any{map[string]any{"message": "m", "domain": "global", "reason": "backendError"}}}},
		{"drive", 403, "exportSizeLimitExceeded", map[string]any{"code": 403.0, "message": "m", "status": "PERMISSION_DENIED",
			"errors": []any{map[string]any{"message": "m", "domain": "global", "reason": "exportSizeLimitExceeded"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.api+"/"+tt.reason, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			fakeapi.WriteError(rec, tt.api, tt.code, tt.reason, "m")
			var got struct{ Error map[string]any }
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if rec.Code != tt.code || rec.Header().Get("Content-Type") != "application/json; charset=UTF-8" {
				t.Errorf("status %d, Content-Type %q", rec.Code, rec.Header().Get("Content-Type"))
			}
			if diff := cmp.Diff(tt.want, got.Error); diff != "" {
				t.Errorf("envelope (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRouting(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	tests := []struct {
		method, path, user string
		code               int
	}{
		{"GET", "/drive/v3/nothing", ada, 404},
		{"GET", "/calendar/v3/colors", ada, 404},
		{"GET", "/v1/people:listDirectoryPeople?readMask=names&sources=DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE", "", 401},
		{"POST", "/drive/v3/files", ada, 404},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, f.url+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := f.client(t, tt.user).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.code {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.code)
			}
		})
	}
}
