package main

import (
	"context"
	"fmt"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// openDatabase opens and migrates the database.
func openDatabase(ctx context.Context, url string) (*sqldb.DB, error) {
	db, err := sqldb.Open(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("sqldb.Open: %w", err)
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqldb.Migrate: %w", err)
	}
	return db, nil
}

// openConfigured loads the configuration and opens its database, migrated,
// for a subcommand; the caller closes the database.
func openConfigured(ctx context.Context) (*Config, keys, *sqldb.DB, error) {
	cfg, k, err := loadConfig()
	if err != nil {
		return nil, keys{}, nil, err
	}
	db, err := openDatabase(ctx, cfg.Database.URL)
	if err != nil {
		return nil, keys{}, nil, err
	}
	return cfg, k, db, nil
}
