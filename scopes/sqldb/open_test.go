package sqldb_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

func TestOpenCreatesPrivateFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", "scopetrail.db")
	db, err := sqldb.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, "INSERT INTO settings (name, value) VALUES (?, ?)", "k", "v"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatalf("%s: %v (WAL mode should keep it while the database is open)", filepath.Base(p), err)
		}
		if got := info.Mode().Perm(); got != 0o600 {
			t.Errorf("%s has mode %v, want 0600", filepath.Base(p), got)
		}
	}
	info, err := os.Stat(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != 0o700 {
		t.Errorf("database directory has mode %v, want 0700", got)
	}
}

func TestOpenTightensAnExistingFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "old.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	db, err := sqldb.Open(context.Background(), "sqlite://"+path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != 0o600 {
		t.Errorf("existing database has mode %v after Open, want 0600", got)
	}
}

func TestOpenRefusesUnknownSchemes(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, url := range []string{"mysql://root@127.0.0.1:3306/scopetrail", "sqlserver://sa@db/x", "MongoDB://x", "redis://localhost", "", "  "} {
		_, err := sqldb.Open(context.Background(), url)
		if err == nil {
			t.Errorf("Open(%q) succeeded, want an error", url)
			continue
		}
		if !strings.Contains(err.Error(), "postgres://") || !strings.Contains(err.Error(), "SQLite") {
			t.Errorf("Open(%q) = %v, want an error naming the supported forms", url, err)
		}
		if checkErr := sqldb.CheckURL(url); checkErr == nil || checkErr.Error() != err.Error() {
			t.Errorf("CheckURL(%q) = %v, want the error Open gives: %v", url, checkErr, err)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("Open created %q for a refused URL", e.Name())
	}
	for _, ok := range []string{"./data/x.db", "sqlite://./x.db", "file:x.db", "postgres://u@h/db", "postgresql://u@h/db", ":memory:"} {
		if err := sqldb.CheckURL(ok); err != nil {
			t.Errorf("CheckURL(%q) = %v, want nil", ok, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "mysql:")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a directory named mysql: exists: %v", err)
	}
}
