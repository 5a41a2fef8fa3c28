package auditcli

import (
	"context"
	"crypto/ed25519"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestAuditVerifyFixtures runs `audit verify` on every chain of
// testdata/audit, on SQLite and on PostgreSQL: the intact one verifies, each
// tampered one fails naming its first bad entry.
func TestAuditVerifyFixtures(t *testing.T) {
	for _, fx := range readFixtures(t) {
		t.Run(fx.name, func(t *testing.T) {
			sqldbtest.EachURL(t, func(t *testing.T, url string) {
				execAll(t, sqldbtest.Migrated(t, url), fx.stmts...)
				out, err := runCLI(t, url, "verify")
				if fx.name == "intact" {
					if err != nil || !strings.HasPrefix(out, fx.want) {
						t.Fatalf("verify: %v, output %q; want %q", err, out, fx.want)
					}
					return
				}
				var broken *brokenChain
				if !errors.As(err, &broken) || !strings.Contains(err.Error(), fx.want) {
					t.Fatalf("verify: %v (output %q); want an error naming %q", err, out, fx.want)
				}
				t.Logf("%s: %v", fx.name, err)
			})
		})
	}
}

// TestAuditVerifyPublicKey checks verify and pubkey with the public key
// alone, as a reviewer holds it, and with a key that did not sign.
func TestAuditVerifyPublicKey(t *testing.T) {
	url := sqliteURL(t)
	for _, fx := range readFixtures(t) {
		if fx.name == "intact" {
			execAll(t, sqldbtest.Migrated(t, url), fx.stmts...)
		}
	}
	pem, err := runCLI(t, url, "pubkey")
	if err != nil {
		t.Fatal(err)
	}
	pub, err := audit.ParsePublicKey(pem)
	if err != nil || !pub.Equal(ed25519.NewKeyFromSeed(fixtureSeed).Public()) {
		t.Fatalf("pubkey printed %q (%v), not the fixture key's", pem, err)
	}
	dir := t.TempDir()
	good, other := filepath.Join(dir, "good.pem"), filepath.Join(dir, "other.pem")
	otherPEM, _ := audit.EncodePublicKey(ed25519.NewKeyFromSeed(make([]byte, 32)).Public().(ed25519.PublicKey))
	for path, text := range map[string]string{good: pem, other: otherPEM} {
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := runCLI(t, url, "verify", "--pubkey", good); err != nil || !strings.Contains(out, "\nthe chain is intact up to entry 12 at 2026-03-02T10:00:") {
		t.Errorf("verify --pubkey: %v, %q", err, out)
	}
	if _, err := runCLI(t, url, "verify", "--pubkey", other); err == nil || !strings.Contains(err.Error(), "entry 5: bad_signature (") {
		t.Errorf("verify with another key: %v", err)
	}
}

// writeTrail signs in two users and appends requests for both at fixed
// times, a minute apart from 2026-03-01 09:01; it returns the users.
func writeTrail(t *testing.T, db *sqldb.DB, n int) (bob, ana identity.User) {
	t.Helper()
	ctx := context.Background()
	users := identity.NewStore(db, time.Now)
	var err error
	if bob, err = users.SignIn(ctx, "sub-bob", "bob@example.com", "Bob", "", nil); err != nil {
		t.Fatal(err)
	}
	if ana, err = users.SignIn(ctx, "sub-ana", "ana@example.com", "Ana", "", nil); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	trail := audit.New(db, audit.Options{Replica: "r1", Signer: ed25519.NewKeyFromSeed(fixtureSeed)})
	for i := range n {
		u, scope, method := bob, scopes.DriveReadonly, "drive.files.get"
		if i%2 == 1 {
			u, scope, method = ana, scopes.CalendarReadonly, "calendar.events.list"
		}
		at = at.Add(time.Minute)
		if _, err := trail.Append(ctx, audit.Entry{Time: at, ActorID: u.ID, ActorEmail: u.Email, Event: audit.EventActivity,
			MethodName: method, Scope: scope, Purpose: "test", Resource: "id=x y", HTTPStatus: 200}); err != nil {
			t.Fatal(err)
		}
	}
	return bob, ana
}

// csvSeqs returns the seq column of a CSV export, checking its header.
func csvSeqs(t *testing.T, out string) []string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) == 0 || rows[0][0] != "seq" {
		t.Fatalf("not CSV with a header (%v):\n%s", err, out)
	}
	var seqs []string
	for _, r := range rows[1:] {
		seqs = append(seqs, r[0])
	}
	return seqs
}

func TestAuditExportCommand(t *testing.T) {
	url := sqliteURL(t)
	bob, ana := writeTrail(t, sqldbtest.Migrated(t, url), 10)
	tests := []struct {
		name     string
		args     []string
		wantSeqs []string
	}{
		{"everything", nil, []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}},
		{"user by email", []string{"--user", "bob@example.com"}, []string{"1", "3", "5", "7", "9"}},
		{"user by id and scope", []string{"--user", ana.ID, "--scope", "calendar.readonly"}, []string{"2", "4", "6", "8", "10"}},
		{"scope matching nobody", []string{"--user", bob.ID, "--scope", scopes.CalendarReadonly}, nil},
		{"method and time range", []string{"--method", "drive.files.get", "--since", "2026-03-01T09:03:00Z", "--until", "2026-03-01T09:08"}, []string{"3", "5", "7"}},
		{"event and outcome", []string{"--event", "activity", "--outcome", "ok", "--purpose", "test", "--since", "2026-03-01"}, []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := runCLI(t, url, append([]string{"export", "--format", "csv"}, tt.args...)...)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantSeqs, csvSeqs(t, out)); diff != "" {
				t.Errorf("exported (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("jsonl to a file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "audit.jsonl")
		out, err := runCLI(t, url, "export", "--format", "jsonl", "--user", "ana@example.com", "-o", path)
		if err != nil {
			t.Fatalf("export: %v", err)
		}
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("exported %d entries (%.1f kB) to %s\n", strings.Count(string(text), "\n"), float64(len(text))/1000, path); out != want {
			t.Errorf("export says %q, want %q", out, want)
		}
		lines := strings.Split(strings.TrimSpace(string(text)), "\n")
		var first struct {
			Seq        int64  `json:"seq"`
			ActorEmail string `json:"actor_email"`
			Hash       string `json:"hash"`
		}
		if err := json.Unmarshal([]byte(lines[0]), &first); err != nil || len(lines) != 5 || first.Seq != 2 || first.ActorEmail != ana.Email || first.Hash == "" {
			t.Errorf("%d lines, first %+v (%v)", len(lines), first, err)
		}
		if _, err := runCLI(t, url, "export", "--format", "jsonl", "-o", path); err == nil {
			t.Error("export overwrote an existing file")
		}
	})
	for _, args := range [][]string{
		{"--format", "xml"}, {"--format", "csv", "--scope", "drive"}, {"--format", "csv", "--since", "last week"},
		{"--format", "csv", "--user", "nobody@example.com"}, {"--format", "csv", "extra"},
	} {
		t.Run("refuses "+strings.Join(args, " "), func(t *testing.T) {
			if _, err := runCLI(t, url, append([]string{"export"}, args...)...); err == nil {
				t.Error("no error")
			}
		})
	}
}
