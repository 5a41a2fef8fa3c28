package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"
	"github.com/joho/godotenv"

	"github.com/scopetrail/scopetrail/connector/googleauth"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/invite"
	"github.com/scopetrail/scopetrail/connector/recordings"
	"github.com/scopetrail/scopetrail/connector/transcribe"
)

// Config is the whole configuration, one struct per area. Every variable is
// described in .env.example.
type Config struct {
	Server   ServerConfig
	Database DatabaseConfig
	Google   GoogleConfig
	Auth     AuthConfig
	Secrets  SecretsConfig
	Log      LogConfig
	Demo     DemoConfig
	Audit    AuditConfig
	Jobs     JobsConfig
	// Mail, Recordings, Transcribe and the Google endpoints are the
	// features' own configuration.
	Mail       invite.Config
	Recordings recordings.Config
	Transcribe transcribe.Config
}

// ServerConfig is where the app listens and how it is reached.
type ServerConfig struct {
	// Addr is the host:port to listen on.
	Addr string `env:"ADDR" envDefault:"127.0.0.1:8080"`
	// BaseURL is the public URL of the app; http://ADDR when empty.
	BaseURL string `env:"BASE_URL"`
	// MetricsAddr is the host:port of a listener that serves only
	// /metrics, on loopback by default; set empty, or off, it is not
	// started.
	MetricsAddr string `env:"METRICS_ADDR" envDefault:"127.0.0.1:9090"`
	// MetricsToken, when set, also serves /metrics on ADDR to requests that
	// carry it as a bearer token.
	MetricsToken string `env:"METRICS_TOKEN"`
	// ReplicaName names this process on every audit entry it writes; the
	// host name when empty.
	ReplicaName string `env:"REPLICA_NAME"`
}

// JobsConfig shapes the durable background jobs.
type JobsConfig struct {
	// RescueAfter is how long a running job may go without a heartbeat
	// before any replica puts it back (jobs.Options.RescueAfter).
	RescueAfter time.Duration `env:"JOBS_RESCUE_AFTER" envDefault:"1m"`
}

// DatabaseConfig names the database.
type DatabaseConfig struct {
	// URL is a SQLite file path or a postgres:// URL.
	URL string `env:"DATABASE_URL" envDefault:"./data/scopetrail.db"`
}

// GoogleConfig is the OAuth client and every Google endpoint, each of which
// can point at a stand-in for Google.
type GoogleConfig struct {
	ClientID     string `env:"GOOGLE_CLIENT_ID"`
	ClientSecret string `env:"GOOGLE_CLIENT_SECRET"`
	// TokenAuth is how the client authenticates at the token and revoke
	// endpoints: auto, basic or post (googleauth.Config.TokenAuth).
	TokenAuth string `env:"GOOGLE_TOKEN_AUTH" envDefault:"auto"`
	// Endpoints are the OAuth and OpenID endpoints.
	Endpoints googleauth.Endpoints
	// APIs are the base URLs of the People, Calendar and Drive APIs.
	APIs googlehttp.Bases
	// Timeouts bound every request to Google through the audited door:
	// GOOGLE_CONNECT_TIMEOUT, GOOGLE_HEADER_TIMEOUT, GOOGLE_IDLE_TIMEOUT.
	Timeouts googlehttp.Timeouts
}

// AuthConfig decides who may sign in and who is an admin.
type AuthConfig struct {
	// AllowedDomains are the Workspace domains that may sign in; empty
	// admits every account.
	AllowedDomains []string `env:"ALLOWED_DOMAINS"`
	// AdminEmails become admins at sign-in, and are always admitted; when
	// empty the first user does.
	AdminEmails []string `env:"ADMIN_EMAILS"`
	// SignupDomains are the email domains whose accounts may sign up
	// without an invitation; empty opens none, except that the demo opens
	// its own domain.
	SignupDomains []string `env:"SIGNUP_DOMAINS"`
	// AdminContact is whom a refused account is told to ask; ADMIN_EMAILS
	// when empty.
	AdminContact string `env:"ADMIN_CONTACT"`
}

// SecretsConfig holds the keys, as written in the environment. They are
// parsed and checked by validate and never printed.
type SecretsConfig struct {
	// SessionKeys are HASH:BLOCK pairs of base64 keys, newest first.
	SessionKeys string `env:"SESSION_KEYS"`
	// TokenKeys are ID:BASE64 keys, newest last.
	TokenKeys string `env:"TOKEN_KEYS"`
	// AuditSigningKey is the base64 Ed25519 seed that signs checkpoints.
	AuditSigningKey string `env:"AUDIT_SIGNING_KEY"`
}

// AuditConfig configures the audit trail's timed checkpoints and its
// witnesses outside the database (see auditTrailOptions).
type AuditConfig struct {
	// WitnessFile receives each checkpoint as one appended JSON line.
	WitnessFile string `env:"AUDIT_WITNESS_FILE"`
	// WitnessURL receives each checkpoint as a JSON POST.
	WitnessURL string `env:"AUDIT_WITNESS_URL"`
	// WitnessLog logs each checkpoint as one structured line.
	WitnessLog bool `env:"AUDIT_WITNESS_LOG" envDefault:"false"`
	// CheckpointInterval is how often entries no checkpoint covers are
	// checkpointed.
	CheckpointInterval time.Duration `env:"AUDIT_CHECKPOINT_INTERVAL" envDefault:"60s"`
}

// LogConfig shapes the logs.
type LogConfig struct {
	// Format is auto (text on a terminal, JSON otherwise), text or json.
	Format string `env:"LOG_FORMAT" envDefault:"auto"`
	// Level is debug, info, warn or error.
	Level string `env:"LOG_LEVEL" envDefault:"info"`
}

// DemoConfig configures the demo, which runs when GOOGLE_CLIENT_ID is empty.
type DemoConfig struct {
	// KeysFile keeps the keys the demo generates, so that a restart can
	// still read its cookies and tokens.
	KeysFile string `env:"DEMO_KEYS_FILE" envDefault:"./data/demo-keys.env"`
}

// replica is REPLICA_NAME, or the host name when that is empty.
func (c ServerConfig) replica() string {
	if c.ReplicaName != "" {
		return c.ReplicaName
	}
	host, _ := os.Hostname()
	return host
}

// DemoMode reports whether the app runs the demo against the in-process fake.
func (c *Config) DemoMode() bool { return c.Google.ClientID == "" }

// dotEnvFile is read, when present, for variables the environment lacks.
const dotEnvFile = ".env"

// environment returns the process environment, completed by .env when that
// file exists. Real environment variables win.
func environment() (map[string]string, error) {
	vars := map[string]string{}
	if _, err := os.Stat(dotEnvFile); err == nil {
		fromFile, err := godotenv.Read(dotEnvFile)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", dotEnvFile, err)
		}
		vars = fromFile
	}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	return vars, nil
}

// parseConfig reads the configuration from vars. Parse errors are reported
// together, each naming its variable.
func parseConfig(vars map[string]string) (*Config, error) {
	var cfg Config
	err := env.ParseWithOptions(&cfg, env.Options{Environment: vars})
	var agg env.AggregateError
	if errors.As(err, &agg) {
		var problems []string
		for _, e := range agg.Errors {
			problems = append(problems, e.Error())
		}
		return nil, &ConfigError{Problems: problems}
	}
	if err != nil {
		return nil, fmt.Errorf("parsing configuration: %w", err)
	}
	if v, set := vars["METRICS_ADDR"]; (set && strings.TrimSpace(v) == "") || strings.EqualFold(strings.TrimSpace(v), "off") {
		cfg.Server.MetricsAddr = "" // set empty, or off: no metrics listener
	}
	return &cfg, nil
}

// ConfigError lists every configuration problem, each with how to fix it.
type ConfigError struct {
	Problems []string
}

// Error lists the problems, one a line.
func (e *ConfigError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the configuration has %d problem(s); see .env.example:", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  - ")
		b.WriteString(p)
	}
	return b.String()
}

// loadConfig reads, completes and validates the configuration: the demo
// gets generated keys for any it lacks.
func loadConfig() (*Config, keys, error) {
	vars, err := environment()
	if err != nil {
		return nil, keys{}, err
	}
	cfg, err := parseConfig(vars)
	if err != nil {
		return nil, keys{}, err
	}
	if cfg.DemoMode() {
		if err := fillDemoKeys(cfg); err != nil {
			return nil, keys{}, err
		}
	}
	k, err := cfg.validate()
	if err != nil {
		return nil, keys{}, err
	}
	return cfg, k, nil
}
