package googletest

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/scopetrail/scopetrail/connector/googletest/fakeapi"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

// Options configures a Server.
type Options struct {
	// Workspace holds the people, calendars and files the fake serves.
	// Required.
	Workspace *workspace.Workspace
	// Now is the clock that decides the expiry of codes and tokens and the
	// times in the request log. It defaults to time.Now.
	Now func() time.Time
	// Issuer is the fake's base URL, such as "http://127.0.0.1:8085"; it is
	// the OpenID issuer and the base of every endpoint. When empty, it is
	// taken from each request's Host until SetBaseURL sets it.
	Issuer string
	// Seed seeds the random choices of faults that have a Probability, so
	// that a run can be repeated.
	Seed uint64
	// Strict makes the fake a standards-conformant OAuth server instead of
	// Google: see strict.go for what changes.
	Strict bool
	// RotateRefreshTokens makes every refresh answer a new refresh token
	// and treat the reuse of a replaced one as theft: see rotation.go.
	RotateRefreshTokens bool
}

// Server is the fake Google. Create it with New or Start.
type Server struct {
	ws      *workspace.Workspace
	now     func() time.Time
	signer  *idTokenSigner
	strict  bool
	faults  *faultSet
	log     *requestLog
	api     *fakeapi.API
	handler http.Handler

	// mu guards the OAuth state below.
	mu      sync.RWMutex
	issuer  string
	clients map[string]Client
	pending map[string]*authRequest
	codes   map[string]*authCode
	grants  map[grantKey]*grant
	access  map[string]*accessToken
	refresh map[string]*refreshToken

	// httpServer is set when the Server listens itself (Start, Run).
	httpServer *http.Server

	// rotation is refresh token rotation, off unless asked for.
	rotation rotation
}

// New returns a fake Google serving o.Workspace. It registers no OAuth
// client; call RegisterClient before the first authorization.
func New(o Options) (*Server, error) {
	if o.Workspace == nil {
		return nil, errors.New("googletest.New: Options.Workspace is required")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	issuer, err := normalizeBaseURL(o.Issuer)
	if err != nil {
		return nil, fmt.Errorf("googletest.New: %w", err)
	}
	signer, err := newIDTokenSigner()
	if err != nil {
		return nil, fmt.Errorf("googletest.New: %w", err)
	}
	s := &Server{
		ws:      o.Workspace,
		now:     o.Now,
		signer:  signer,
		strict:  o.Strict,
		faults:  newFaultSet(o.Seed),
		log:     newRequestLog(),
		issuer:  issuer,
		clients: make(map[string]Client),
		pending: make(map[string]*authRequest),
		codes:   make(map[string]*authCode),
		grants:  make(map[grantKey]*grant),
		access:  make(map[string]*accessToken),
		refresh: make(map[string]*refreshToken),
	}
	// With an empty BaseURL the APIs derive their base from each request,
	// so a later SetBaseURL needs no new API.
	s.rotation.on.Store(o.RotateRefreshTokens)
	s.api = fakeapi.New(o.Workspace, fakeapi.Options{Now: o.Now, BaseURL: issuer})
	s.handler = s.logRequests(s.routes())
	return s, nil
}

// Start is a convenience for tests and the demo: it listens on a free
// loopback port, serves the fake there, and returns it with its base URL.
// o.Issuer defaults to that base URL. Close stops it.
func Start(o Options) (*Server, string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", fmt.Errorf("googletest.Start: %w", err)
	}
	base := "http://" + ln.Addr().String()
	if o.Issuer == "" {
		o.Issuer = base
	}
	s, err := New(o)
	if err != nil {
		ln.Close()
		return nil, "", err
	}
	s.serve(ln)
	return s, base, nil
}

// Handler returns the handler that serves every endpoint of the fake:
// OAuth, the APIs, and the /_fake/ control endpoints.
func (s *Server) Handler() http.Handler { return s.handler }

// SetBaseURL sets the base URL, which is the OpenID issuer, when the
// listener is known only after New. Call it before the first
// authorization: ID tokens name the issuer. Like http.Handle with a bad
// pattern, it panics when u is not an absolute http(s) URL.
func (s *Server) SetBaseURL(u string) {
	base, err := normalizeBaseURL(u)
	if err != nil {
		panic("googletest: SetBaseURL: " + err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.issuer = base
}

// Close stops the listener started by Start or Run, if any, and the
// fake APIs' background work.
func (s *Server) Close() error {
	var err error
	if s.httpServer != nil {
		err = s.httpServer.Close()
	}
	s.api.Close()
	return err
}

// baseURL returns the base of every endpoint, which is the issuer: the
// configured one, or else the one r was sent to.
func (s *Server) baseURL(r *http.Request) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.issuer != "" {
		return s.issuer
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// serve serves the fake on ln in the background. The channel receives
// the error that ended serving: http.ErrServerClosed after Close.
func (s *Server) serve(ln net.Listener) <-chan error {
	srv := &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second}
	s.httpServer = srv
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	return done
}

// routes maps every path of the fake to its handler.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /o/oauth2/auth", s.authorize)
	mux.HandleFunc("GET /o/oauth2/v2/auth", s.authorize)
	mux.HandleFunc("POST /o/oauth2/consent", s.consent)
	mux.HandleFunc("POST /token", s.token)
	mux.HandleFunc("/revoke", s.revoke)
	mux.HandleFunc("/o/oauth2/revoke", s.revoke)
	mux.HandleFunc("/tokeninfo", s.tokeninfo)
	mux.HandleFunc("/oauth2/v3/tokeninfo", s.tokeninfo)
	mux.HandleFunc("GET /.well-known/openid-configuration", s.openIDConfiguration)
	mux.HandleFunc("GET /oauth2/v3/certs", s.jwks)
	mux.HandleFunc("/oauth2/v3/userinfo", s.userinfo)
	gate := s.gate(s.api.Handler())
	for _, prefix := range apiPrefixes {
		mux.Handle(prefix, gate)
	}
	s.controlRoutes(mux)
	return mux
}

// normalizeBaseURL checks that u is empty or an absolute http(s) URL and
// drops a trailing slash.
func normalizeBaseURL(u string) (string, error) {
	if u == "" {
		return "", nil
	}
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return "", fmt.Errorf("base URL %q is not an absolute http(s) URL", u)
	}
	return strings.TrimSuffix(u, "/"), nil
}
