package web

import (
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics holds the server's Prometheus collectors, in a registry of its own
// so that several servers (tests) never collide.
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

// newMetrics registers the request counter, the latency histogram and the
// Go runtime and process collectors.
func newMetrics() *metrics {
	labels := []string{"route", "method", "status"}
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "scopetrail_http_requests_total",
			Help: "HTTP requests served, by route template, method and status.",
		}, labels),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "scopetrail_http_request_duration_seconds",
			Help:    "Time to serve HTTP requests, by route template, method and status.",
			Buckets: prometheus.DefBuckets,
		}, labels),
	}
	m.registry.MustRegister(
		m.requests,
		m.latency,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// observe records one served request.
func (m *metrics) observe(route, method string, status int, elapsed time.Duration) {
	code := strconv.Itoa(status)
	m.requests.WithLabelValues(route, method, code).Inc()
	m.latency.WithLabelValues(route, method, code).Observe(elapsed.Seconds())
}

// handler serves the registry in the Prometheus text format.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// MetricsHandler serves the metrics in the Prometheus text format without
// any check, for a listener of their own that only the operator reaches
// (METRICS_ADDR, on loopback by default). The app's own port serves them
// only with Config.MetricsToken.
func (s *Server) MetricsHandler() http.Handler { return s.metrics.handler() }

// metricsWithToken serves the metrics on the app's port to a request that
// carries Config.MetricsToken as a bearer token, and 401 to any other.
func (s *Server) metricsWithToken(c echo.Context) error {
	got, ok := strings.CutPrefix(c.Request().Header.Get(echo.HeaderAuthorization), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(s.cfg.MetricsToken)) != 1 {
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="metrics"`)
		return c.String(http.StatusUnauthorized, "metrics need the bearer token METRICS_TOKEN\n")
	}
	s.metrics.handler().ServeHTTP(c.Response(), c.Request())
	return nil
}
