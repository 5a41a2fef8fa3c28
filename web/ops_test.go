package web

import (
	"io"
	"net/http"
	"net/http/httptest"
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

// metricsToken is the bearer token the metrics tests configure.
const metricsToken = "metrics-token-0123456789abcdef"

// TestMetrics checks that requests are counted by route template, method
// and status, with their latency, and served on the app's port to the
// bearer of the metrics token.
func TestMetrics(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *Config) { c.MetricsToken = metricsToken })
	h.signIn(alice)
	h.get("/admin/users")
	h.get("/no/such/page")
	r := h.do(http.MethodGet, "/metrics", nil, http.Header{"Authorization": {"Bearer " + metricsToken}})
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

// TestMetricsNotPublic checks that the app's port does not serve /metrics
// without the token: 404 when no token is configured, 401 without the
// right one; and that MetricsHandler, for the operator's own listener,
// serves them.
func TestMetricsNotPublic(t *testing.T) {
	t.Parallel()
	open := newHarness(t)
	open.signIn(alice)
	r := open.get("/metrics")
	open.expectStatus(r, http.StatusNotFound)
	if strings.Contains(r.Content, "scopetrail_http_requests_total") {
		t.Errorf("the app's port showed metrics:\n%s", r.Content)
	}

	guarded := newHarness(t, func(c *Config) { c.MetricsToken = metricsToken })
	for name, header := range map[string]http.Header{
		"no token":        nil,
		"wrong token":     {"Authorization": {"Bearer not-the-token"}},
		"token prefix":    {"Authorization": {"Bearer " + metricsToken[:10]}},
		"basic auth":      {"Authorization": {"Basic " + metricsToken}},
		"token in cookie": {"Cookie": {"token=" + metricsToken}},
	} {
		r := guarded.do(http.MethodGet, "/metrics", nil, header)
		if r.StatusCode != http.StatusUnauthorized || strings.Contains(r.Content, "go_goroutines") {
			t.Errorf("%s: status %d, want 401 without metrics:\n%s", name, r.StatusCode, r.Content)
		}
	}
	r = guarded.get("/metrics?token=" + metricsToken)
	guarded.expectStatus(r, http.StatusUnauthorized)

	srv, err := New(open.config(), open.deps())
	if err != nil {
		t.Fatal(err)
	}
	ops := httptest.NewServer(srv.MetricsHandler())
	defer ops.Close()
	srv.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/healthz", nil))
	res, err := http.Get(ops.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `scopetrail_http_requests_total{method="GET",route="/healthz",status="200"} 1`) {
		t.Errorf("MetricsHandler: %d:\n%s", res.StatusCode, body)
	}
}
