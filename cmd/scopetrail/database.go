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
