// Package web is ScopeTrail's HTTP side: routes, handlers, browser sessions,
// CSRF protection, security headers, templates and the operational endpoints
// (/healthz, /readyz, /metrics). It holds no SQL and makes no Google calls:
// everything it needs comes through the small interfaces in Deps.
package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/scopetrail/scopetrail/scopes/identity"
)

// DefaultSessionTTL is how long a sign-in lasts when Config.SessionTTL is zero.
const DefaultSessionTTL = 12 * time.Hour

// Config is how the web server behaves.
type Config struct {
	// AuthURL is Google's authorization endpoint. Its origin is allowed as a
	// form target, because the linking forms redirect there.
	AuthURL string
	// SessionKeys are securecookie key pairs (hash key, block key), newest
	// pair first: the first pair signs and encrypts, every pair reads.
	SessionKeys [][]byte
	// SecureCookies marks cookies Secure. Only the plain-HTTP demo on
	// localhost turns it off.
	SecureCookies bool
	// SessionTTL is how long a sign-in lasts; DefaultSessionTTL when zero.
	SessionTTL time.Duration
	// AllowedDomains are the Google Workspace domains that may sign in; the
	// refusal page names them. Empty means every domain.
	AllowedDomains []string
	// AdminContact is whom the page of a refused sign-in tells to ask, such
	// as the admins' emails.
	AdminContact string
	// MetricsToken, when set, lets /metrics be read on the app's own port
	// with it as a bearer token. When empty the app's port answers 404 for
	// /metrics, which are then served only by MetricsHandler on a listener
	// of their own.
	MetricsToken string
	// MaxBodyBytes bounds every request body; DefaultMaxBodyBytes when
	// zero.
	MaxBodyBytes int64
	// Logger receives request logs and server errors; slog.Default() when nil.
	Logger *slog.Logger
	// DemoAccounts, set only by the demo, are listed on the sign-in page,
	// each with a button that signs in as that account.
	DemoAccounts []DemoAccount
	// Now is the clock of the pages that show how long ago something
	// happened; time.Now when nil.
	Now func() time.Time
}

// Server is ScopeTrail's web application. It is an http.Handler.
type Server struct {
	cfg     Config
	deps    services
	log     *slog.Logger
	echo    *echo.Echo
	cookies *cookieStore
	views   *views
	metrics *metrics
	headers http.Header
}

// New builds the server and its routes. It reports every service missing
// from deps at once.
func New(cfg Config, deps Deps) (*Server, error) {
	svc, err := deps.services()
	if err != nil {
		return nil, fmt.Errorf("web.New: %w", err)
	}
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = DefaultSessionTTL
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cookies, err := newCookieStore(cfg.SessionKeys, cfg.SecureCookies, cfg.SessionTTL)
	if err != nil {
		return nil, fmt.Errorf("web.New: %w", err)
	}
	authOrigin, err := origin(cfg.AuthURL)
	if err != nil {
		return nil, fmt.Errorf("web.New: AuthURL: %w", err)
	}
	v, err := parseViews()
	if err != nil {
		return nil, fmt.Errorf("web.New: %w", err)
	}
	s := &Server{
		cfg:     cfg,
		deps:    svc,
		log:     cfg.Logger,
		echo:    echo.New(),
		cookies: cookies,
		views:   v,
		metrics: newMetrics(),
		headers: securityHeaders(authOrigin, cfg.SecureCookies),
	}
	s.routes()
	return s, nil
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }

// routes registers every route. Operational endpoints skip sessions and
// CSRF; every page goes through them.
func (s *Server) routes() {
	e := s.echo
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.Use(middleware.RequestID(), s.observe, s.recoverPanics(), s.secure, s.limitBodies)

	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	if s.cfg.MetricsToken != "" {
		e.GET("/metrics", s.metricsWithToken)
	}
	e.StaticFS("/static", echo.MustSubFS(staticFS, "static"))

	app := e.Group("", s.withSession, s.csrf, s.boundFields, s.loadUser, noStore)
	app.GET("/", s.home)
	app.POST("/auth/signin", s.signIn)
	app.GET("/auth/callback", s.callback)
	app.POST("/auth/signout", s.signOut)

	// Route-level middleware, not groups: a group would also claim unknown
	// paths under its prefix and answer them with its checks instead of 404.
	member := s.requireUser
	admin := requireRole(identity.RoleAdmin)
	app.GET("/dashboard", s.dashboard, member)
	app.POST("/link/:feature", s.link, member)
	app.GET("/admin/users", s.users, member, admin)
	s.userRoutes(app, member)
	app.POST("/admin/users/:id/role", s.setRole, member, admin)
	// The pages of a group of Deps that is absent are not served.
	if s.deps.Jobs != nil {
		app.GET("/admin/jobs", s.jobsList, member, admin)
		app.POST("/admin/jobs/:id/retry", s.jobRetry, member, admin)
	}
	if s.deps.Calendars != nil {
		app.GET("/calendars", s.calendarsList, member)
		app.POST("/calendars", s.linkCalendars, member)
		app.GET("/meetings", s.meetingsList, member)
		app.POST("/meetings/sync", s.syncMeetings, member)
		app.GET("/meetings/sync/progress", s.meetingsSyncProgress, member)
		app.GET("/meetings/:id", s.meetingShow, member)
	}
	if s.deps.Recordings != nil {
		app.GET("/recordings", s.recordingsList, member)
		app.GET("/recordings/:id", s.recordingShow, member)
		app.POST("/recordings/:id/retry", s.recordingRetry, member)
		s.recordingLiveRoutes(app, member)
	}
	s.transcriptsRoutes(app, member)
	if s.deps.Audit != nil {
		s.reviewRoutes(app, member)
		s.reportRoutes(app, member)
	}
	if s.deps.Directory != nil {
		s.directoryRoutes(app, member, admin)
	}
	if s.deps.Revocations != nil {
		s.revokeRoutes(app, member, admin)
	}
}

// recoverPanics turns a panic in a handler into a 500 error, logging its
// stack.
func (s *Server) recoverPanics() echo.MiddlewareFunc {
	return middleware.RecoverWithConfig(middleware.RecoverConfig{
		DisablePrintStack: true,
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.log.Error("panic serving request", "route", c.Path(), "err", err, "stack", string(stack))
			return err
		},
	})
}

// origin returns the scheme://host[:port] of a URL.
func origin(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	if u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("%q is not an absolute URL", raw)
	}
	return u.Scheme + "://" + u.Host, nil
}
