package main

import (
	"context"
	"crypto/ed25519"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// openAuditReadOnly loads the configuration as serve does and opens its
// database read-only, never migrating it, for `scopetrail audit`.
func openAuditReadOnly(ctx context.Context) (*sqldb.DB, ed25519.PrivateKey, error) {
	cfg, k, err := loadConfig()
	if err != nil {
		return nil, nil, err
	}
	db, err := sqldb.OpenReadOnly(ctx, cfg.Database.URL)
	if err != nil {
		return nil, nil, err
	}
	return db, k.audit, nil
}
