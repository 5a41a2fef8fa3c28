package auditcli

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"path/filepath"
	"testing"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// sqliteURL returns the path of a new SQLite file, not yet created.
func sqliteURL(t testing.TB) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "scopetrail.db")
}

// opener opens url read-only with the fixtures' signing key, as
// `scopetrail audit` opens the configured database.
func opener(url string) Opener {
	return Opener{
		DB:  func(ctx context.Context) (*sqldb.DB, error) { return sqldb.OpenReadOnly(ctx, url) },
		Key: func() (ed25519.PrivateKey, error) { return ed25519.NewKeyFromSeed(fixtureSeed), nil },
	}
}

// runCLI runs the audit command args on url's database and returns its
// stdout and error.
func runCLI(t *testing.T, url string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := Run(t.Context(), args, &out, &errOut, opener(url))
	return out.String(), err
}
