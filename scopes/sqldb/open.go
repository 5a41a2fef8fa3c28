package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// SupportedURLs says, in words, which DATABASE_URL forms Open accepts.
const SupportedURLs = "a SQLite file path (optionally prefixed with sqlite:// or file:) or a postgres:// or postgresql:// URL"

// urlScheme matches the scheme of a URL written scheme://…
var urlScheme = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*)://`)

// errUnsupported means a database URL names an engine ScopeTrail does not
// support.
var errUnsupported = errors.New("unsupported database")

// CheckURL reports whether Open would accept url's form, without opening
// anything: an empty url, or a scheme:// URL of an engine other than SQLite
// or PostgreSQL (mysql://, sqlserver://…), is an error naming the supported
// forms.
func CheckURL(url string) error {
	_, _, err := parseURL(url)
	return err
}

// parseURL returns the dialect url names and, for SQLite, the file path.
func parseURL(url string) (Dialect, string, error) {
	if m := urlScheme.FindStringSubmatch(url); m != nil {
		switch strings.ToLower(m[1]) {
		case "postgres", "postgresql":
			return Postgres, "", nil
		case "sqlite":
		default:
			return "", "", fmt.Errorf("%w: the scheme %q is not supported; use %s", errUnsupported, m[1]+"://", SupportedURLs)
		}
	}
	path := strings.TrimPrefix(strings.TrimPrefix(url, "sqlite://"), "file:")
	if strings.TrimSpace(path) == "" {
		return "", "", fmt.Errorf("empty database path; use %s", SupportedURLs)
	}
	return SQLite, path, nil
}

// Open opens the database named by url: a postgres:// or postgresql:// URL
// for PostgreSQL, or a file path (optionally prefixed with sqlite:// or
// file:) for SQLite; any other scheme:// URL is an error. SQLite runs in WAL
// mode with a busy timeout and foreign keys on; its parent directory is
// created if needed, and the database file is created readable by its owner
// only (0600), which SQLite carries over to its -wal and -shm files. Open
// does not migrate.
func Open(ctx context.Context, url string) (*DB, error) {
	dialect, path, err := parseURL(url)
	if err != nil {
		return nil, err
	}
	var db *DB
	switch dialect {
	case Postgres:
		sqlDB, err := sql.Open("pgx", url)
		if err != nil {
			return nil, fmt.Errorf("opening postgres: %w", err)
		}
		sqlDB.SetMaxOpenConns(20)
		db = &DB{DB: sqlDB, Dialect: Postgres, handle: newHandle(false)}
	default:
		if path != ":memory:" {
			if err := createPrivate(path); err != nil {
				return nil, err
			}
		}
		dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
		sqlDB, err := sql.Open("sqlite", dsn)
		if err != nil {
			return nil, fmt.Errorf("opening sqlite: %w", err)
		}
		db = &DB{DB: sqlDB, Dialect: SQLite, handle: newHandle(path != ":memory:")}
		if path == ":memory:" {
			// One connection, which a transaction holds: no statement
			// could be prepared outside it, so none is cached.
			sqlDB.SetMaxOpenConns(1)
		}
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connecting to %s: %w", db.Dialect, err)
	}
	return db, nil
}

// privateMode is the mode of the database file and its companions: they
// hold sealed tokens and personal data.
const privateMode fs.FileMode = 0o600

// createPrivate makes the SQLite file's directory (0700) and the file itself
// (0600) before SQLite opens it, since SQLite would create it 0644 less the
// umask. A file that exists already, with its -wal and -shm, loses any group
// or other permission bits.
func createPrivate(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("creating database directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, privateMode)
	if err != nil {
		return fmt.Errorf("creating database file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("creating database file: %w", err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		info, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("checking database file: %w", err)
		}
		if info.Mode().IsRegular() && info.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(p, info.Mode().Perm()&privateMode); err != nil {
				return fmt.Errorf("restricting database file %s to its owner: %w", filepath.Base(p), err)
			}
		}
	}
	return nil
}
