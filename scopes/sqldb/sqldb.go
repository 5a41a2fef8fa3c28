// Package sqldb is ScopeTrail's shared database plumbing: it opens SQLite or
// PostgreSQL, runs the one embedded set of migrations, and runs functions in
// transactions. Queries are written once, with ? placeholders, and rebound
// for the dialect in use.
package sqldb

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Dialect names a database engine.
type Dialect string

// Supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is a database handle that knows its dialect.
type DB struct {
	*sql.DB
	Dialect Dialect
}

// Open opens the database named by url: a postgres:// or postgresql:// URL
// for PostgreSQL, or a file path (optionally prefixed with sqlite:// or
// file:) for SQLite. SQLite runs in WAL mode with a busy timeout and foreign
// keys on; its parent directory is created if needed. Open does not migrate.
func Open(ctx context.Context, url string) (*DB, error) {
	var db *DB
	switch {
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		sqlDB, err := sql.Open("pgx", url)
		if err != nil {
			return nil, fmt.Errorf("opening postgres: %w", err)
		}
		sqlDB.SetMaxOpenConns(20)
		db = &DB{DB: sqlDB, Dialect: Postgres}
	default:
		path := strings.TrimPrefix(strings.TrimPrefix(url, "sqlite://"), "file:")
		if path == "" {
			return nil, errors.New("empty database path")
		}
		if path != ":memory:" {
			if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
				return nil, fmt.Errorf("creating database directory: %w", err)
			}
		}
		dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
		sqlDB, err := sql.Open("sqlite", dsn)
		if err != nil {
			return nil, fmt.Errorf("opening sqlite: %w", err)
		}
		if path == ":memory:" {
			sqlDB.SetMaxOpenConns(1)
		}
		db = &DB{DB: sqlDB, Dialect: SQLite}
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connecting to %s: %w", db.Dialect, err)
	}
	return db, nil
}

// Migrate applies every embedded migration that has not run yet.
func (db *DB) Migrate(ctx context.Context) error {
	dialect := goose.DialectSQLite3
	if db.Dialect == Postgres {
		dialect = goose.DialectPostgres
	}
	fsys := mustSub(migrations, "migrations")
	p, err := goose.NewProvider(dialect, db.DB, fsys, goose.WithExcludeNames(otherDialects(fsys, db.Dialect)))
	if err != nil {
		return fmt.Errorf("goose.NewProvider: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("running migrations: %w", err)
	}
	return nil
}

// Rebind rewrites ? placeholders into the dialect's form ($1, $2, … for
// PostgreSQL). Question marks inside single-quoted literals are left alone.
func (db *DB) Rebind(query string) string {
	if db.Dialect != Postgres {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	n, quoted := 0, false
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'':
			quoted = !quoted
		case c == '?' && !quoted:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// Querier is what both *DB and *Tx offer, placeholders rebound: code that
// runs the same statements inside a transaction or outside takes one.
type Querier interface {
	Exec(ctx context.Context, query string, args ...any) (sql.Result, error)
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
}

var _, _ Querier = (*DB)(nil), (*Tx)(nil)

// Tx is a transaction that knows its dialect. Its Exec, Query and QueryRow
// rebind placeholders.
type Tx struct {
	tx *sql.Tx
	db *DB
}

// Exec runs a statement inside the transaction.
func (t *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, t.db.Rebind(query), args...)
}

// Query runs a query inside the transaction.
func (t *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, t.db.Rebind(query), args...)
}

// QueryRow runs a query that returns at most one row inside the transaction.
func (t *Tx) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, t.db.Rebind(query), args...)
}

// Dialect returns the transaction's dialect.
func (t *Tx) Dialect() Dialect { return t.db.Dialect }

// Exec runs a statement, rebinding its placeholders.
func (db *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return db.DB.ExecContext(ctx, db.Rebind(query), args...)
}

// Query runs a query, rebinding its placeholders.
func (db *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return db.DB.QueryContext(ctx, db.Rebind(query), args...)
}

// QueryRow runs a query that returns at most one row, rebinding its
// placeholders.
func (db *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return db.DB.QueryRowContext(ctx, db.Rebind(query), args...)
}

// InTx runs fn in a transaction, committing if it returns nil and rolling
// back otherwise. On SQLite the transaction takes the write lock at once
// (BEGIN IMMEDIATE), so concurrent writers queue instead of failing.
func (db *DB) InTx(ctx context.Context, fn func(*Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("beginning transaction: %w", err)
	}
	if err := fn(&Tx{tx: tx, db: db}); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("committing transaction: %w", err)
	}
	return nil
}
