package web

import (
	"net/http"
	"strings"
	"testing"
)

// TestOps checks /healthz, /readyz and /metrics.
func TestOps(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		dbErr    error
		path     string
		want     int
		wantBody string
	}{
		{"healthz", nil, "/healthz", http.StatusOK, "ok"},
		{"healthz with the database down", errDatabaseDown, "/healthz", http.StatusOK, "ok"},
		{"readyz", nil, "/readyz", http.StatusOK, "ok"},
		{"readyz with the database down", errDatabaseDown, "/readyz", http.StatusServiceUnavailable, "database unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.db.err = tt.dbErr
			r := h.get(tt.path)
			h.expectStatus(r, tt.want)
			if !strings.Contains(r.Content, tt.wantBody) {
				t.Errorf("body %q, want %q", r.Content, tt.wantBody)
			}
			if len(r.Cookies()) != 0 {
				t.Errorf("%s set cookies", tt.path)
			}
		})
	}
}

// TestMetrics checks that requests are counted by route template, method
// and status, with their latency.
func TestMetrics(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.signIn(alice)
	h.get("/admin/users")
	h.get("/no/such/page")
	r := h.get("/metrics")
	h.expectStatus(r, http.StatusOK)
	for _, want := range []string{
		`scopetrail_http_requests_total{method="GET",route="/admin/users",status="200"} 1`,
		`scopetrail_http_requests_total{method="POST",route="/auth/signin",status="303"} 1`,
		`scopetrail_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`scopetrail_http_request_duration_seconds_bucket{method="GET",route="/auth/callback",status="303",le="+Inf"} 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(r.Content, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
