package web

import (
	"log/slog"
	"time"

	"github.com/labstack/echo/v4"
)

// observe logs every request and counts it in the metrics. It logs the path
// only, never the query string, which may carry an authorization code or a
// state. Errors are rendered here, so that the status they produce is the
// one recorded.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		if err := next(c); err != nil {
			c.Error(err)
		}
		elapsed := time.Since(start)
		req, res := c.Request(), c.Response()
		route := c.Path()
		if route == "" || route == "/*" {
			route = "unmatched"
		}
		s.metrics.observe(route, req.Method, res.Status, elapsed)
		level := slog.LevelInfo
		if route == "/healthz" || route == "/readyz" || route == "/metrics" {
			level = slog.LevelDebug
		}
		s.log.Log(req.Context(), level, "request",
			"method", req.Method,
			"path", req.URL.Path,
			"route", route,
			"status", res.Status,
			"bytes", res.Size,
			"duration", elapsed,
			"request_id", res.Header().Get(echo.HeaderXRequestID),
		)
		return nil
	}
}
