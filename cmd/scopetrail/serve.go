package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/scopes/audit"
)

// shutdownTimeout bounds how long requests in flight may take to finish.
const shutdownTimeout = 10 * time.Second

// serve runs the web app until ctx ends, then shuts it down gracefully.
func serve(ctx context.Context, stdout, stderr io.Writer) error {
	cfg, k, err := loadConfig()
	if err != nil {
		return err
	}
	log := newLogger(cfg.Log, stderr)

	ln, err := net.Listen("tcp", cfg.Server.Addr)
	if err != nil {
		return fmt.Errorf("listening on ADDR %s: %w", cfg.Server.Addr, err)
	}
	defer ln.Close()
	var metricsLn net.Listener
	if cfg.Server.MetricsAddr != "" {
		if metricsLn, err = net.Listen("tcp", cfg.Server.MetricsAddr); err != nil {
			return fmt.Errorf("listening on METRICS_ADDR %s (empty turns the metrics listener off): %w", cfg.Server.MetricsAddr, err)
		}
		defer metricsLn.Close()
	}
	baseURL := strings.TrimRight(cmp.Or(cfg.Server.BaseURL, "http://"+ln.Addr().String()), "/")

	db, err := openDatabase(ctx, cfg.Database.URL)
	if err != nil {
		return err
	}
	defer db.Close()

	oauth, bases := googleSettings(cfg, baseURL+"/auth/callback")
	secure := true
	var d *demo
	var personas *demoPersonas
	if cfg.DemoMode() {
		if d, err = startDemo(oauth.RedirectURL, time.Now()); err != nil {
			return err
		}
		defer d.close()
		oauth.ClientID, oauth.ClientSecret, oauth.Endpoints = d.client.ID, d.client.Secret, d.endpoints()
		oauth.SignupDomains = d.signupDomains(oauth.SignupDomains)
		if personas = d.personas(oauth.AdminEmails); personas != nil {
			oauth.AdminEmails = personas.adminEmails()
		}
		bases = d.bases()
		secure = !plainLocalHTTP(baseURL)
	}

	keep, err := cfg.Recordings.KeepAudio()
	if err != nil {
		return err // validated already
	}
	trail, closeWitnesses, err := auditTrailOptions(audit.Options{}, cfg.Audit, log)
	if err != nil {
		return err
	}
	bg := &background{dbURL: cfg.Database.URL, rescueAfter: cfg.Jobs.RescueAfter, log: log, closeWitnesses: closeWitnesses}
	defer bg.stop()
	handler, err := newApp(ctx, appOptions{db: db, keys: k, oauth: oauth, bases: bases, timeouts: cfg.Google.Timeouts, secure: secure, log: log, bg: bg, replica: cfg.Server.replica(),
		baseURL: baseURL, mail: cfg.Mail, spoolDir: cfg.Recordings.SpoolDir, transcribe: cfg.Transcribe, retention: keep,
		contact: cfg.Auth.AdminContact, metricsToken: cfg.Server.MetricsToken, trail: trail, auditCfg: cfg.Audit,
		revoke: &revocations{retryEvery: revokeRetryEvery}, personas: personas})
	if err != nil {
		return err
	}
	if err := bg.start(ctx); err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	served := make(chan error, 2)
	servers := []*http.Server{srv}
	if metricsLn != nil {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", handler.MetricsHandler())
		metricsSrv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
		servers = append(servers, metricsSrv)
		go func() { served <- metricsSrv.Serve(metricsLn) }()
	}
	go func() { served <- srv.Serve(ln) }()

	// The demo's welcome comes first, so that a newcomer reads it before
	// any other line.
	if d != nil {
		d.printWelcome(stdout, baseURL, personas)
	}
	if metricsLn != nil {
		fmt.Fprintf(stdout, "metrics on http://%s/metrics\n", metricsLn.Addr())
	}
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())
	if d == nil && len(cfg.Auth.AdminEmails) == 0 && len(cfg.Auth.SignupDomains) == 0 {
		log.Warn("ADMIN_EMAILS and SIGNUP_DOMAINS are empty: only existing users and invitees can sign in")
	}
	log.Info("serving", "base_url", baseURL, "addr", ln.Addr().String(), "demo", d != nil, "database", db.Dialect)

	select {
	case err := <-served:
		return fmt.Errorf("http.Server.Serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	for _, s := range servers {
		if err := s.Shutdown(shutdownCtx); err != nil {
			return fmt.Errorf("http.Server.Shutdown: %w", err)
		}
	}
	for range servers {
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("http.Server.Serve: %w", err)
		}
	}
	return nil
}

// plainLocalHTTP reports whether the app is reached over plain HTTP on this
// machine, the one case where cookies cannot be Secure.
func plainLocalHTTP(baseURL string) bool {
	u, err := url.Parse(baseURL)
	return err == nil && u.Scheme == "http" && isLoopback(u.Hostname())
}
