package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
)

// ErrNotMigrated means a database opened read-only lacks migrations that
// this build has: it was never migrated, or by an older build.
var ErrNotMigrated = errors.New("sqldb: the database is not migrated to this build's schema")

// OpenReadOnly opens the database named by url, written as for Open, for
// reading only, and checks that every embedded migration has been applied.
// It never migrates and never writes: SQLite is opened with mode=ro and
// query_only, and must already exist; PostgreSQL sessions start with
// default_transaction_read_only=on. A database that lacks migrations is
// refused with an error wrapping ErrNotMigrated.
func OpenReadOnly(ctx context.Context, url string) (*DB, error) {
	var db *DB
	switch {
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		cfg, err := pgx.ParseConfig(url)
		if err != nil {
			return nil, fmt.Errorf("reading the postgres URL: %w", err)
		}
		cfg.RuntimeParams["default_transaction_read_only"] = "on"
		db = &DB{DB: stdlib.OpenDB(*cfg), Dialect: Postgres, handle: newHandle(false)}
	default:
		path := strings.TrimPrefix(strings.TrimPrefix(url, "sqlite://"), "file:")
		if path == "" || path == ":memory:" {
			return nil, fmt.Errorf("opening %q read-only: want the path of an existing SQLite file", url)
		}
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("opening sqlite read-only: %w", err)
		}
		dsn := "file:" + path + "?mode=ro&_pragma=query_only(1)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)"
		sqlDB, err := sql.Open("sqlite", dsn)
		if err != nil {
			return nil, fmt.Errorf("opening sqlite read-only: %w", err)
		}
		db = &DB{DB: sqlDB, Dialect: SQLite, handle: newHandle(true)}
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connecting to %s read-only: %w", db.Dialect, err)
	}
	if err := db.checkMigrated(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// checkMigrated reads the version goose recorded, without goose, which
// would create its table in a database that has none.
func (db *DB) checkMigrated(ctx context.Context) error {
	want, err := latestMigration()
	if err != nil {
		return err
	}
	exists := "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'goose_db_version'"
	if db.Dialect == Postgres {
		exists = "SELECT COUNT(*) FROM (SELECT to_regclass('goose_db_version') AS t) AS r WHERE t IS NOT NULL"
	}
	var tables int
	if err := db.QueryRowContext(ctx, exists).Scan(&tables); err != nil {
		return fmt.Errorf("reading the schema version: %w", err)
	}
	var have sql.NullInt64
	if tables > 0 {
		if err := db.QueryRowContext(ctx, "SELECT MAX(version_id) FROM goose_db_version").Scan(&have); err != nil {
			return fmt.Errorf("reading the schema version: %w", err)
		}
	}
	if have.Int64 < want {
		return fmt.Errorf("the schema is at migration %d and this build needs %d: %w", have.Int64, want, ErrNotMigrated)
	}
	return nil
}

// latestMigration is the number of the last embedded migration.
func latestMigration() (int64, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return 0, fmt.Errorf("listing the migrations: %w", err)
	}
	var latest int64
	for _, name := range names {
		n, err := goose.NumericComponent(name)
		if err != nil {
			return 0, fmt.Errorf("migration %s: %w", name, err)
		}
		latest = max(latest, n)
	}
	return latest, nil
}
