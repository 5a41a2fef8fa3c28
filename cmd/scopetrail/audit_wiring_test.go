package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// TestAuditCommandWired runs `scopetrail audit` on the configured
// database: it verifies a migrated one and prints the configured key, and
// it refuses one that was never migrated, leaving it so.
func TestAuditCommandWired(t *testing.T) {
	dir := t.TempDir()
	seed := bytes.Repeat([]byte{7}, ed25519.SeedSize)
	dbPath := filepath.Join(dir, "scopetrail.db")
	setAuditEnv(t, dir, dbPath, seed)
	run := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := realMain(t.Context(), append([]string{"audit"}, args...), &out, &errOut)
		return out.String(), err
	}

	empty, err := sqldb.Open(context.Background(), dbPath) // an empty file, never migrated
	if err != nil {
		t.Fatal(err)
	}
	empty.Close()
	if _, err := run("verify"); err == nil || !strings.Contains(err.Error(), "not migrated") {
		t.Errorf("verify on an unmigrated database: %v; want it refused as not migrated", err)
	}
	db, err := sqldb.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tables int
	if err := db.QueryRow(context.Background(), "SELECT COUNT(*) FROM sqlite_master").Scan(&tables); err != nil || tables != 0 {
		t.Fatalf("after verify the database holds %d tables (%v); want none", tables, err)
	}

	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if out, err := run("verify"); err != nil || out != "the audit trail is empty: nothing to verify\n" {
		t.Errorf("verify: %v, %q", err, out)
	}
	pem, err := run("pubkey")
	if pub, perr := audit.ParsePublicKey(pem); err != nil || perr != nil || !pub.Equal(ed25519.NewKeyFromSeed(seed).Public()) {
		t.Errorf("pubkey printed %q (%v, %v), not AUDIT_SIGNING_KEY's", pem, err, perr)
	}
}

// TestAuditVerifyNeedsNoSecrets runs `scopetrail audit verify` as an outside
// reviewer: a production configuration with none of its keys, only
// DATABASE_URL and the public key's file. A path that does not exist is an
// error and is not created.
func TestAuditVerifyNeedsNoSecrets(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "scopetrail.db")
	for k, v := range map[string]string{
		"GOOGLE_CLIENT_ID": "client", "GOOGLE_CLIENT_SECRET": "", "DATABASE_URL": dbPath, "SESSION_KEYS": "", "TOKEN_KEYS": "",
		"AUDIT_SIGNING_KEY": "", "DEMO_KEYS_FILE": filepath.Join(dir, "keys.env"),
	} {
		t.Setenv(k, v)
	}
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, ed25519.SeedSize))
	pem, _ := audit.EncodePublicKey(key.Public().(ed25519.PublicKey))
	pemFile := filepath.Join(dir, "pub.pem")
	if err := os.WriteFile(pemFile, []byte(pem), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := realMain(t.Context(), append([]string{"audit"}, args...), &out, &errOut)
		return out.String(), err
	}
	if _, err := run("verify", "--pubkey", pemFile); err == nil {
		t.Error("verify of a missing database: no error")
	}
	if _, err := os.Stat(dbPath); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("verify created %s: %v", dbPath, err)
	}
	db, err := sqldb.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	tr := audit.New(db, audit.Options{Signer: key, CheckpointEvery: 2})
	for range 3 {
		if _, err := tr.Append(context.Background(), audit.Entry{Event: audit.EventSignIn, ActorID: "u1"}); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := run("verify", "--pubkey", pemFile); err != nil || !strings.HasPrefix(out, "verified 3 entries in ") {
		t.Errorf("verify --pubkey without any secret configured: %v, %q", err, out)
	}
	if _, err := run("pubkey"); err == nil {
		t.Error("pubkey without a signing key configured: no error")
	}
}

// TestAuditTrailOptions builds the witnesses from the configuration, and
// refuses a witness URL that is not one.
func TestAuditTrailOptions(t *testing.T) {
	file := filepath.Join(t.TempDir(), "witness.jsonl")
	o, closeAll, err := auditTrailOptions(audit.Options{Replica: "r"}, AuditConfig{WitnessFile: file, WitnessURL: "https://witness.example/cp",
		WitnessLog: true, CheckpointInterval: time.Second}, slog.Default())
	if err != nil || len(o.Witnesses) != 3 || o.CheckpointInterval != time.Second || o.Replica != "r" {
		t.Fatalf("options %+v, %v", o, err)
	}
	if err := closeAll(); err != nil {
		t.Error(err)
	}
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("witness file: %v, %v", fi, err)
	}
	if _, _, err := auditTrailOptions(audit.Options{}, AuditConfig{WitnessURL: "witness.example"}, slog.Default()); err == nil {
		t.Error("a witness URL without a scheme: no error")
	}
}
