package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
)

// TestServeWitnessesCheckpoints boots the demo with a witness file and a
// one-second checkpoint interval, signs in, and waits for the server to
// sign and witness a checkpoint on its timer. `audit verify --witness`
// then verifies the trail with the file alone, and, once someone with
// write access to the database has emptied the audit tables, says the
// trail was emptied behind the witnessed checkpoint.
func TestServeWitnessesCheckpoints(t *testing.T) {
	witness := filepath.Join(t.TempDir(), "witness.jsonl")
	a := startAppWith(t, "", map[string]string{"AUDIT_WITNESS_FILE": witness, "AUDIT_CHECKPOINT_INTERVAL": "1s"})
	b := browser.New(t)
	b.Consent(b.Submit(b.Get(a.base+"/"), `form[action="/auth/signin"]`, nil), browser.Answer{})

	deadline := time.Now().Add(15 * time.Second)
	for {
		if text, _ := os.ReadFile(witness); strings.Contains(string(text), `"note"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no checkpoint witnessed after 15s\nlogs:\n%s", a.stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := a.stop(); err != nil {
		t.Fatalf("realMain: %v", err)
	}
	if fi, err := os.Stat(witness); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("witness file: %v, %v; want mode 0600", fi.Mode(), err)
	}

	out, err := cli(t, "audit", "verify", "--witness", witness)
	if err != nil || !strings.Contains(out, "the chain is intact up to entry") {
		t.Fatalf("audit verify --witness on the intact trail: %v\n%s", err, out)
	}
	db := openTestDB(t)
	for _, table := range []string{"audit_entries", "audit_checkpoints", "audit_chain"} {
		if _, err := db.Exec(context.Background(), "DELETE FROM "+table); err != nil {
			t.Fatal(err)
		}
	}
	out, err = cli(t, "audit", "verify", "--witness", witness)
	if err == nil || !strings.Contains(err.Error(), "the trail was emptied") || strings.Contains(out, "verified") {
		t.Errorf("audit verify --witness on an emptied trail: %v\n%s", err, out)
	}
}
