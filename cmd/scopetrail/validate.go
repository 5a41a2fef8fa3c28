package main

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/scopetrail/scopetrail/connector/googleauth"
	"github.com/scopetrail/scopetrail/connector/tokens"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// minRescueAfter is the shortest JOBS_RESCUE_AFTER: a quarter of it spaces
// the heartbeats, which must not flood the database.
const minRescueAfter = 2 * time.Second

// keys are the parsed secrets.
type keys struct {
	// session are securecookie key pairs (hash, block), newest first.
	session [][]byte
	tokens  *tokens.Keyring
	audit   ed25519.PrivateKey
}

// minMetricsToken is the shortest METRICS_TOKEN accepted.
const minMetricsToken = 24

// generateHint tells how to make keys.
const generateHint = "print fresh ones with `scopetrail keys generate`"

// validate checks the whole configuration, trims the list variables and
// parses the secrets. It reports every problem at once, each saying how to
// fix it, and never includes a secret value.
func (c *Config) validate() (keys, error) {
	var p problems
	var k keys

	if _, _, err := net.SplitHostPort(c.Server.Addr); err != nil {
		p.addf("ADDR: %q is not host:port; write for example 127.0.0.1:8080 or :8080", c.Server.Addr)
	}
	if c.Server.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.Server.MetricsAddr); err != nil {
			p.addf("METRICS_ADDR: %q is not host:port; write for example 127.0.0.1:9090, or leave it empty to serve no metrics listener", c.Server.MetricsAddr)
		}
	}
	if t := c.Server.MetricsToken; t != "" && len(t) < minMetricsToken {
		p.addf("METRICS_TOKEN: %d characters, want at least %d; make one with `openssl rand -hex 32`", len(t), minMetricsToken)
	}
	if c.Server.BaseURL != "" {
		u, err := url.Parse(c.Server.BaseURL)
		switch {
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "":
			p.addf("BASE_URL: %q is not an http(s) URL without query; write for example https://scopetrail.example.com", c.Server.BaseURL)
		case !c.DemoMode() && u.Scheme == "http" && !isLoopback(u.Hostname()):
			p.addf("BASE_URL: Google redirects only to https URLs, except on localhost; use https://%s", u.Host)
		}
	}
	if strings.TrimSpace(c.Database.URL) == "" {
		p.addf("DATABASE_URL: empty; set a SQLite file such as ./data/scopetrail.db or a postgres:// URL")
	} else if err := sqldb.CheckURL(c.Database.URL); err != nil {
		p.addf("DATABASE_URL: %s", err)
	}

	if !c.DemoMode() {
		if c.Google.ClientSecret == "" {
			p.addf("GOOGLE_CLIENT_SECRET: empty; copy the secret of the OAuth client GOOGLE_CLIENT_ID names (Google Cloud console, APIs & Services, Credentials), or unset GOOGLE_CLIENT_ID to run the demo")
		}
		switch c.Google.TokenAuth {
		case googleauth.TokenAuthAuto, googleauth.TokenAuthBasic, googleauth.TokenAuthPost:
		default:
			p.addf("GOOGLE_TOKEN_AUTH: %q is not auto, basic or post; use basic for a server that allows only client_secret_basic, post for client_secret_post", c.Google.TokenAuth)
		}
		for _, v := range []struct{ name, value string }{
			{"GOOGLE_AUTH_URL", c.Google.Endpoints.AuthURL}, {"GOOGLE_TOKEN_URL", c.Google.Endpoints.TokenURL},
			{"GOOGLE_REVOKE_URL", c.Google.Endpoints.RevokeURL}, {"GOOGLE_USERINFO_URL", c.Google.Endpoints.UserinfoURL},
			{"GOOGLE_ISSUER", c.Google.Endpoints.Issuer}, {"GOOGLE_JWKS_URL", c.Google.Endpoints.JWKSURL},
			{"GOOGLE_PEOPLE_URL", c.Google.APIs.People}, {"GOOGLE_CALENDAR_URL", c.Google.APIs.Calendar},
			{"GOOGLE_DRIVE_URL", c.Google.APIs.Drive},
		} {
			if u, err := url.Parse(v.value); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				p.addf("%s: %q is not an absolute http(s) URL; unset it to use Google's own", v.name, v.value)
			}
		}
	}

	for _, v := range []struct {
		name  string
		value time.Duration
	}{
		{"GOOGLE_CONNECT_TIMEOUT", c.Google.Timeouts.Connect}, {"GOOGLE_HEADER_TIMEOUT", c.Google.Timeouts.Header},
		{"GOOGLE_IDLE_TIMEOUT", c.Google.Timeouts.Idle},
	} {
		if v.value <= 0 {
			p.addf("%s: %s is not a positive duration; write for example 30s, or unset it for the default", v.name, v.value)
		}
	}
	if c.Jobs.RescueAfter < minRescueAfter {
		p.addf("JOBS_RESCUE_AFTER: %s is shorter than %s; a running job beats every quarter of it, write for example 1m, or unset it for the default",
			c.Jobs.RescueAfter, minRescueAfter)
	}
	if strings.TrimSpace(c.Server.ReplicaName) != c.Server.ReplicaName || strings.ContainsFunc(c.Server.ReplicaName, unicode.IsControl) {
		p.addf("REPLICA_NAME: %q has surrounding spaces or control characters; write a plain name such as web-1, or unset it for the host name", c.Server.ReplicaName)
	}

	for _, err := range c.Transcribe.Validate() {
		p.addf("%s", err)
	}
	if _, err := c.Recordings.KeepAudio(); err != nil {
		p.addf("%s", err)
	}

	c.Auth.AllowedDomains = trimAll(c.Auth.AllowedDomains)
	for _, d := range c.Auth.AllowedDomains {
		if !strings.Contains(d, ".") || strings.ContainsAny(d, "@/: ") {
			p.addf("ALLOWED_DOMAINS: %q is not a domain name; write domains like example.com, separated by commas", d)
		}
	}
	c.Auth.SignupDomains = trimAll(c.Auth.SignupDomains)
	for _, d := range c.Auth.SignupDomains {
		if !strings.Contains(d, ".") || strings.ContainsAny(d, "@/: ") {
			p.addf("SIGNUP_DOMAINS: %q is not a domain name; write domains like example.com, separated by commas", d)
		}
	}
	c.Auth.AdminEmails = trimAll(c.Auth.AdminEmails)
	for _, e := range c.Auth.AdminEmails {
		if local, domain, ok := strings.Cut(e, "@"); !ok || local == "" || !strings.Contains(domain, ".") || strings.Contains(domain, "@") {
			p.addf("ADMIN_EMAILS: %q is not an email address; write addresses like ana@example.com, separated by commas", e)
		}
	}

	if c.Secrets.SessionKeys == "" {
		p.addf("SESSION_KEYS: empty; %s", generateHint)
	} else {
		k.session = parseSessionKeys(c.Secrets.SessionKeys, &p)
	}
	if c.Secrets.TokenKeys == "" {
		p.addf("TOKEN_KEYS: empty; %s", generateHint)
	} else if kr, err := tokens.ParseKeyring(c.Secrets.TokenKeys); err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			p.addf("TOKEN_KEYS: %s", line)
		}
	} else {
		k.tokens = kr
	}
	if c.Secrets.AuditSigningKey == "" {
		p.addf("AUDIT_SIGNING_KEY: empty; %s", generateHint)
	} else if key, err := audit.ParseSeed(c.Secrets.AuditSigningKey); err != nil {
		p.addf("AUDIT_SIGNING_KEY: not a 32-byte Ed25519 seed in base64 or hex; %s", generateHint)
	} else {
		k.audit = key
	}

	switch c.Log.Format {
	case "auto", "text", "json":
	default:
		p.addf("LOG_FORMAT: %q is not auto, text or json", c.Log.Format)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.Log.Level)); err != nil {
		p.addf("LOG_LEVEL: %q is not debug, info, warn or error", c.Log.Level)
	}
	p = append(p, c.Mail.Problems()...)
	return k, p.err()
}

// parseSessionKeys reads HASH:BLOCK pairs of base64 keys, newest first.
func parseSessionKeys(spec string, p *problems) [][]byte {
	var out [][]byte
	for i, pair := range strings.Split(spec, ",") {
		n := i + 1
		hashText, blockText, ok := strings.Cut(strings.TrimSpace(pair), ":")
		if !ok {
			p.addf("SESSION_KEYS: pair %d is not HASH:BLOCK (two base64 keys joined by a colon); %s", n, generateHint)
			continue
		}
		hash, hashErr := decodeBase64(hashText)
		block, blockErr := decodeBase64(blockText)
		switch {
		case hashErr != nil:
			p.addf("SESSION_KEYS: pair %d: the hash key is not base64; %s", n, generateHint)
		case len(hash) != 32 && len(hash) != 64:
			p.addf("SESSION_KEYS: pair %d: the hash key is %d bytes, want 32 or 64 (base64 of 32 random bytes)", n, len(hash))
		}
		switch {
		case blockErr != nil:
			p.addf("SESSION_KEYS: pair %d: the block key is not base64; %s", n, generateHint)
		case len(block) != 32:
			p.addf("SESSION_KEYS: pair %d: the block key is %d bytes, want 32 (base64 of 32 random bytes)", n, len(block))
		}
		out = append(out, hash, block)
	}
	return out
}

// decodeBase64 accepts standard or URL-safe base64, padded or not.
func decodeBase64(s string) ([]byte, error) {
	s = strings.TrimRight(strings.TrimSpace(s), "=")
	if strings.ContainsAny(s, "-_") {
		return base64.RawURLEncoding.DecodeString(s)
	}
	return base64.RawStdEncoding.DecodeString(s)
}

// isLoopback reports whether a host name is this machine.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// trimAll trims list entries and drops empty ones.
func trimAll(list []string) []string {
	var out []string
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// problems collects configuration problems.
type problems []string

func (p *problems) addf(format string, args ...any) { *p = append(*p, fmt.Sprintf(format, args...)) }

// err returns a *ConfigError listing the problems, or nil.
func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return &ConfigError{Problems: p}
}
