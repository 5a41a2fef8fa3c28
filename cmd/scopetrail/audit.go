package main

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/caarlos0/env/v11"

	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/audit/auditcli"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// openAuditReadOnly is what `scopetrail audit` opens: the database named by
// DATABASE_URL alone, read-only and never migrated, so that a reviewer
// verifies with nothing but the database and the public key or a witness
// file; and, only for the commands that need it, the configured signing
// key, with the whole configuration.
var openAuditReadOnly = auditcli.Opener{DB: openAuditDatabase, Key: configuredAuditKey}

// openAuditDatabase opens DATABASE_URL's database read-only. A SQLite path
// that does not exist is an error (sqldb.OpenReadOnly), never a new file.
func openAuditDatabase(ctx context.Context) (*sqldb.DB, error) {
	vars, err := environment()
	if err != nil {
		return nil, err
	}
	var dc DatabaseConfig
	if err := env.ParseWithOptions(&dc, env.Options{Environment: vars}); err != nil {
		return nil, fmt.Errorf("reading DATABASE_URL: %w", err)
	}
	return sqldb.OpenReadOnly(ctx, dc.URL)
}

// configuredAuditKey loads the configuration as serve does and returns its
// audit signing key.
func configuredAuditKey() (ed25519.PrivateKey, error) {
	_, k, err := loadConfig()
	if err != nil {
		return nil, err
	}
	return k.audit, nil
}

// auditTrailOptions completes the audit trail's options from the
// configuration: the checkpoint interval and the witnesses. The returned
// function closes the witness file; call it after the trail's
// RunCheckpoints has returned.
func auditTrailOptions(o audit.Options, c AuditConfig, log *slog.Logger) (audit.Options, func() error, error) {
	o.CheckpointInterval, o.Logger = c.CheckpointInterval, log
	closeAll := func() error { return nil }
	if c.WitnessFile != "" {
		fw, err := audit.NewFileWitness(c.WitnessFile)
		if err != nil {
			return o, nil, fmt.Errorf("AUDIT_WITNESS_FILE: %w", err)
		}
		o.Witnesses = append(o.Witnesses, fw)
		closeAll = fw.Close
	}
	if c.WitnessURL != "" {
		u, err := url.Parse(c.WitnessURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			closeAll()
			return o, nil, fmt.Errorf("AUDIT_WITNESS_URL %q: want an http or https URL", safeURL(c.WitnessURL))
		}
		o.Witnesses = append(o.Witnesses, audit.NewHTTPWitness(c.WitnessURL, &http.Client{Timeout: 10 * time.Second}))
	}
	if c.WitnessLog {
		o.Witnesses = append(o.Witnesses, audit.NewLogWitness(log))
	}
	return o, closeAll, nil
}
