package auditcli

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// outsider opens url read-only and has no signing key, as a reviewer who
// holds only the database and the public key or a witness file.
func outsider(url string) Opener {
	return Opener{DB: func(ctx context.Context) (*sqldb.DB, error) { return sqldb.OpenReadOnly(ctx, url) }}
}

// runAs runs the audit command args with open.
func runAs(t *testing.T, open Opener, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := Run(t.Context(), args, &out, &errOut, open)
	return out.String(), err
}

// witnessedTrail writes 23 entries checkpointed every 5 and witnessed in a
// file, and returns the witness file and the public key's PEM file.
func witnessedTrail(t *testing.T, db *sqldb.DB) (witness, pemFile string) {
	t.Helper()
	dir := t.TempDir()
	witness, pemFile = filepath.Join(dir, "witness.jsonl"), filepath.Join(dir, "pub.pem")
	fw, err := audit.NewFileWitness(witness)
	if err != nil {
		t.Fatal(err)
	}
	defer fw.Close()
	key := ed25519.NewKeyFromSeed(fixtureSeed)
	tr := audit.New(db, audit.Options{Replica: "r1", Signer: key, CheckpointEvery: 5, CheckpointInterval: time.Hour, Witnesses: []audit.Witness{fw}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { tr.RunCheckpoints(ctx); close(done) }()
	for i := range 23 {
		if _, err := tr.Append(context.Background(), audit.Entry{ActorID: "u1", Event: audit.EventActivity, Resource: "fileId=f" + string(rune('a'+i))}); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	<-done
	pem, _ := audit.EncodePublicKey(key.Public().(ed25519.PublicKey))
	if err := os.WriteFile(pemFile, []byte(pem), 0o600); err != nil {
		t.Fatal(err)
	}
	return witness, pemFile
}

// TestVerifyAsOutsider verifies with nothing but the database and the
// public key or the witness file, then empties the trail and verifies
// again: only the witness finds it out.
func TestVerifyAsOutsider(t *testing.T) {
	sqldbtest.EachURL(t, func(t *testing.T, url string) {
		db := sqldbtest.Migrated(t, url)
		witness, pem := witnessedTrail(t, db)
		open := outsider(url)
		if _, err := runAs(t, open, "verify"); err == nil || !strings.Contains(err.Error(), "--pubkey FILE") {
			t.Errorf("verify without a key: %v; want it to ask for --pubkey or --witness", err)
		}
		out, err := runAs(t, open, "verify", "--pubkey", pem)
		if err != nil || !strings.HasPrefix(out, "verified 23 entries in ") || !strings.Contains(out, "No witness was checked") {
			t.Errorf("verify --pubkey: %v\n%s", err, out)
		}
		out, err = runAs(t, open, "verify", "--witness", witness)
		if err != nil || !strings.HasPrefix(out, "verified 23 entries in ") || !strings.Contains(out, "extends witnessed checkpoint 4 (entry 20)") {
			t.Errorf("verify --witness: %v\n%s", err, out)
		}
		execAll(t, db, "DELETE FROM audit_entries", "DELETE FROM audit_chain", "DELETE FROM audit_checkpoints", "DELETE FROM audit_tree")
		if out, err := runAs(t, open, "verify", "--pubkey", pem); err != nil || !strings.HasPrefix(out, "the audit trail is empty") {
			t.Errorf("verify --pubkey of the emptied trail: %v, %q; without a witness it cannot tell", err, out)
		}
		var broken *brokenChain
		if _, err := runAs(t, open, "verify", "--witness", witness); !errors.As(err, &broken) || !strings.Contains(err.Error(), "entry 1: truncated (") {
			t.Errorf("verify --witness of the emptied trail: %v; want entry 1 truncated", err)
		}
	})
}

// TestVerifyWitnessURL checks the trail against the latest note a witness
// URL answers.
func TestVerifyWitnessURL(t *testing.T) {
	url := sqliteURL(t)
	db := sqldbtest.Migrated(t, url)
	witness, pem := witnessedTrail(t, db)
	f, err := os.Open(witness)
	if err != nil {
		t.Fatal(err)
	}
	wl, err := audit.ReadWitness(f)
	f.Close()
	if err != nil || len(wl.Notes) == 0 {
		t.Fatalf("witness: %d notes, %v", len(wl.Notes), err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(wl.Notes[len(wl.Notes)-1]) }))
	defer srv.Close()
	out, err := runAs(t, outsider(url), "verify", "--witness", srv.URL, "--pubkey", pem)
	if err != nil || !strings.Contains(out, "extends witnessed checkpoint 4 (entry 20)") {
		t.Errorf("verify --witness URL: %v\n%s", err, out)
	}
	execAll(t, db, "DELETE FROM audit_entries WHERE seq > 18", "UPDATE audit_chain SET head_seq = 18, head_hash = (SELECT hash FROM audit_entries WHERE seq = 18)",
		"DELETE FROM audit_checkpoints WHERE seq > 18")
	if _, err := runAs(t, outsider(url), "verify", "--witness", srv.URL, "--pubkey", pem); err == nil || !strings.Contains(err.Error(), "entry 19: truncated (") {
		t.Errorf("verify --witness URL of a truncated trail: %v", err)
	}
}

// TestVerifySignedExport exports signed, then checks the file with the
// public key alone, without any database.
func TestVerifySignedExport(t *testing.T) {
	url := sqliteURL(t)
	_, pem := witnessedTrail(t, sqldbtest.Migrated(t, url))
	file := filepath.Join(t.TempDir(), "trail.jsonl")
	if _, err := runCLI(t, url, "export", "--format", "jsonl", "--signed", "-o", file); err != nil {
		t.Fatal(err)
	}
	noDB := Opener{DB: func(context.Context) (*sqldb.DB, error) { return nil, errors.New("no database here") }}
	out, err := runAs(t, noDB, "verify", "--export", file, "--pubkey", pem)
	if err != nil || !strings.HasPrefix(out, "verified 20 entries of "+file+": each is in the tree of checkpoint 4") || !strings.Contains(out, "3 entries come after") {
		t.Errorf("verify --export: %v\n%s", err, out)
	}
	if _, err := runCLI(t, url, "export", "--format", "csv", "--signed"); err == nil {
		t.Error("export --signed as CSV: no error")
	}
	b, _ := os.ReadFile(file)
	if err := os.WriteFile(file, bytes.Replace(b, []byte("fileId=fc"), []byte("fileId=zz"), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := runAs(t, noDB, "verify", "--export", file, "--pubkey", pem); err == nil || !strings.Contains(err.Error(), "entry 3: edited (") {
		t.Errorf("verify --export of an edited export: %v", err)
	}
}

// TestVerifyMissingDatabase verifies a SQLite path that does not exist: an
// error, and no file is made.
func TestVerifyMissingDatabase(t *testing.T) {
	url := sqliteURL(t)
	pem := filepath.Join(t.TempDir(), "pub.pem")
	p, _ := audit.EncodePublicKey(ed25519.NewKeyFromSeed(fixtureSeed).Public().(ed25519.PublicKey))
	os.WriteFile(pem, []byte(p), 0o600)
	if _, err := runAs(t, outsider(url), "verify", "--pubkey", pem); err == nil {
		t.Error("verify of a missing database: no error")
	}
	if _, err := os.Stat(url); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("verify made %s: %v", url, err)
	}
}
