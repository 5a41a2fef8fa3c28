// Package sqldb is ScopeTrail's shared database plumbing: it opens SQLite or
// PostgreSQL, runs the one embedded set of migrations, and runs functions in
// transactions. Queries are written once, with ? placeholders, and rebound
// for the dialect in use.
package sqldb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
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
	// handle holds the cached statements and the functions to run on
	// Close; nil on a DB not made by Open or OpenReadOnly.
	handle *handle
}

// Migrate applies every embedded migration that has not run yet. On
// PostgreSQL, replicas that start together take turns (SchemaLocked), and
// the next finds the migrations applied.
func (db *DB) Migrate(ctx context.Context) error {
	if db.Dialect != Postgres {
		return db.migrate(ctx, goose.DialectSQLite3)
	}
	return db.SchemaLocked(ctx, migrationLockSpace, func() error { return db.migrate(ctx, goose.DialectPostgres) })
}

// migrationLockSpace is the first key of the advisory lock Migrate holds
// on PostgreSQL ("ST" and 0).
const migrationLockSpace = 0x53540000

// SchemaLocked runs fn while this process holds the PostgreSQL advisory lock
// whose first key is space and whose second is a hash of the schema's name,
// so that processes sharing the schema run fn one at a time. The lock is
// the session's: released when fn returns, or by the server when the
// connection dies with its process; a connection whose unlock failed is
// closed rather than put back in the pool, which could still hold it.
func (db *DB) SchemaLocked(ctx context.Context, space int64, fn func() error) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("taking the schema lock %#x: %w", space, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1, hashtext(current_schema()))", space); err != nil {
		return fmt.Errorf("taking the schema lock %#x: %w", space, err)
	}
	err = fn()
	if _, uerr := conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1, hashtext(current_schema()))", space); uerr != nil {
		err = errors.Join(err, fmt.Errorf("releasing the schema lock %#x: %w", space, uerr))
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	return err
}

// migrate runs goose's migrations up.
func (db *DB) migrate(ctx context.Context, dialect goose.Dialect) error {
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
	query = t.db.Rebind(query)
	if st := t.db.statement(ctx, query); st != nil {
		return t.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, query, args...)
}

// Query runs a query inside the transaction.
func (t *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	query = t.db.Rebind(query)
	if st := t.db.statement(ctx, query); st != nil {
		return t.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, query, args...)
}

// QueryRow runs a query that returns at most one row inside the transaction.
func (t *Tx) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	query = t.db.Rebind(query)
	if st := t.db.statement(ctx, query); st != nil {
		return t.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}

// Dialect returns the transaction's dialect.
func (t *Tx) Dialect() Dialect { return t.db.Dialect }

// Exec runs a statement, rebinding its placeholders.
func (db *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	query = db.Rebind(query)
	if st := db.statement(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return db.DB.ExecContext(ctx, query, args...)
}

// Query runs a query, rebinding its placeholders.
func (db *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	query = db.Rebind(query)
	if st := db.statement(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return db.DB.QueryContext(ctx, query, args...)
}

// QueryRow runs a query that returns at most one row, rebinding its
// placeholders.
func (db *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	query = db.Rebind(query)
	if st := db.statement(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return db.DB.QueryRowContext(ctx, query, args...)
}

// InReadTx runs fn in a read-only transaction that sees one snapshot of the
// database throughout, and neither takes nor waits for the write lock: on
// SQLite a deferred BEGIN, whose snapshot WAL keeps while writers commit;
// on PostgreSQL READ ONLY at REPEATABLE READ. fn must only read: PostgreSQL
// refuses a write, but SQLite would take the write lock for it.
func (db *DB) InReadTx(ctx context.Context, fn func(*Tx) error) error {
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: db.snapshotLevel()})
	if err != nil {
		return fmt.Errorf("beginning read-only transaction: %w", err)
	}
	defer tx.Rollback()
	if err := fn(&Tx{tx: tx, db: db}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("ending read-only transaction: %w", err)
	}
	return nil
}

// snapshotLevel is the isolation level at which every statement of a
// transaction reads the same snapshot: PostgreSQL's default, READ
// COMMITTED, takes a new one per statement; SQLite's transactions always
// read one.
func (db *DB) snapshotLevel() sql.IsolationLevel {
	if db.Dialect == Postgres {
		return sql.LevelRepeatableRead
	}
	return sql.LevelDefault
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
