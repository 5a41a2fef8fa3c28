package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestMetricsListener checks that the app's public port does not serve
// /metrics, that METRICS_ADDR does, and that METRICS_TOKEN opens the app's
// port to its bearer only.
func TestMetricsListener(t *testing.T) {
	t.Run("separate address", func(t *testing.T) {
		a := startApp(t, "")
		metricsURL := metricsLine(t, a)
		if status, _ := fetch(t, a.base+"/metrics", ""); status != http.StatusNotFound {
			t.Errorf("public /metrics: %d, want 404", status)
		}
		fetch(t, a.base+"/healthz", "")
		status, body := fetch(t, metricsURL, "")
		if status != http.StatusOK || !strings.Contains(body, `scopetrail_http_requests_total{method="GET",route="/healthz",status="200"}`) {
			t.Errorf("METRICS_ADDR /metrics: %d:\n%s", status, body)
		}
		if status, _ := fetch(t, strings.TrimSuffix(metricsURL, "/metrics")+"/healthz", ""); status != http.StatusNotFound {
			t.Errorf("the metrics listener serves /healthz: %d, want 404", status)
		}
	})
	t.Run("token on the app port", func(t *testing.T) {
		const token = "0123456789abcdef0123456789abcdef"
		a := startAppWith(t, "", map[string]string{"METRICS_ADDR": "", "METRICS_TOKEN": token})
		if strings.Contains(a.stdout.String(), "metrics on ") {
			t.Errorf("an empty METRICS_ADDR still started a listener:\n%s", a.stdout)
		}
		if status, body := fetch(t, a.base+"/metrics", ""); status != http.StatusUnauthorized || strings.Contains(body, "go_goroutines") {
			t.Errorf("/metrics without the token: %d, want 401:\n%s", status, body)
		}
		if status, body := fetch(t, a.base+"/metrics", token); status != http.StatusOK || !strings.Contains(body, "go_goroutines") {
			t.Errorf("/metrics with the token: %d:\n%s", status, body)
		}
	})
}

// TestMetricsConfig checks the metrics variables' default and validation.
func TestMetricsConfig(t *testing.T) {
	t.Parallel()
	cfg, err := parseConfig(goodSecrets())
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Server.MetricsAddr != "127.0.0.1:9090" || cfg.Server.MetricsToken != "" {
		t.Errorf("defaults: METRICS_ADDR %q, METRICS_TOKEN set %v; want 127.0.0.1:9090 and none", cfg.Server.MetricsAddr, cfg.Server.MetricsToken != "")
	}
	for _, off := range []string{"", " ", "off", "OFF"} {
		cfg, err := parseConfig(merge(goodSecrets(), map[string]string{"METRICS_ADDR": off}))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Server.MetricsAddr != "" {
			t.Errorf("METRICS_ADDR=%q gives %q, want no listener", off, cfg.Server.MetricsAddr)
		}
	}
	ce := configProblems(t, merge(goodSecrets(), map[string]string{"METRICS_ADDR": "9090", "METRICS_TOKEN": "short"}))
	want := []string{
		`METRICS_ADDR: "9090" is not host:port; write for example 127.0.0.1:9090, or leave it empty to serve no metrics listener`,
		"METRICS_TOKEN: 5 characters, want at least 24; make one with `openssl rand -hex 32`",
	}
	if strings.Join(ce.Problems, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(ce.Problems, "\n"), strings.Join(want, "\n"))
	}
}

// TestDatabaseURLScheme checks that a DATABASE_URL of an engine ScopeTrail
// does not support is a configuration problem naming the supported forms.
func TestDatabaseURLScheme(t *testing.T) {
	t.Parallel()
	ce := configProblems(t, merge(goodSecrets(), map[string]string{"DATABASE_URL": "mysql://root@db:3306/scopetrail"}))
	if len(ce.Problems) != 1 || !strings.HasPrefix(ce.Problems[0], "DATABASE_URL: ") ||
		!strings.Contains(ce.Problems[0], `"mysql://"`) || !strings.Contains(ce.Problems[0], "postgres://") || !strings.Contains(ce.Problems[0], "SQLite") {
		t.Errorf("problems: %q, want one naming mysql:// and the supported forms", ce.Problems)
	}
}

// metricsLine returns the metrics URL the app printed.
func metricsLine(t *testing.T, a *app) string {
	t.Helper()
	for _, line := range strings.Split(a.stdout.String(), "\n") {
		if u, ok := strings.CutPrefix(line, "metrics on "); ok {
			return u
		}
	}
	t.Fatalf("no metrics line in:\n%s", a.stdout)
	return ""
}

// fetch GETs url, with token as a bearer token when set.
func fetch(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(body)
}
