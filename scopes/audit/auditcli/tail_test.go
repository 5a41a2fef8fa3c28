package auditcli

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// seqsOf returns the first field, the seq, of each row of tail's table,
// leaving out its heading.
func seqsOf(out string) []string {
	var seqs []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			seqs = append(seqs, strings.Fields(line)[0])
		}
	}
	return seqs
}

func TestAuditTail(t *testing.T) {
	url := sqliteURL(t)
	db := sqldbtest.Migrated(t, url)
	bob, _ := writeTrail(t, db, 10)

	out, err := runCLI(t, url, "tail", "-n", "3")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"8", "9", "10"}, seqsOf(out)); diff != "" {
		t.Errorf("tail -n 3 (-want +got):\n%s", diff)
	}
	want := ` 9  2026-03-01 09:09:00  bob@example.com  self        drive.readonly     drive.files.get       test     ok           -`
	if line := strings.Split(out, "\n")[2]; line != want {
		t.Errorf("line:\n got %s\nwant %s", line, want)
	}
	if out, err := runCLI(t, url, "tail", "--user", bob.ID, "-n", "2"); err != nil || cmp.Diff([]string{"7", "9"}, seqsOf(out)) != "" {
		t.Errorf("tail --user: %v, %q", err, out)
	}

	// Follow: new entries appear as they are appended, and an interrupt
	// ends the command cleanly.
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := Run(ctx, []string{"tail", "-n", "1", "-f", "--interval", "20ms", "--scope", "drive.readonly"}, pw, io.Discard, opener(url))
		pw.Close()
		done <- err
	}()
	lines := make(chan string)
	go func() {
		defer close(lines)
		for sc := bufio.NewScanner(pr); sc.Scan(); {
			lines <- sc.Text()
		}
	}()
	var followed []string
	waitFor := func(n int) {
		t.Helper()
		for len(followed) < n {
			select {
			case line := <-lines:
				followed = append(followed, seqsOf(line)...)
			case <-time.After(10 * time.Second):
				t.Fatalf("tail -f printed %v, waiting for %d entries", followed, n)
			}
		}
	}
	waitFor(1)
	trail := audit.New(db, audit.Options{Signer: ed25519.NewKeyFromSeed(fixtureSeed)})
	for _, scope := range []string{scopes.CalendarReadonly, scopes.DriveReadonly, scopes.DriveReadonly} {
		if _, err := trail.Append(context.Background(), audit.Entry{ActorID: bob.ID, Event: audit.EventActivity, Scope: scope}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(3)
	cancel()
	for line := range lines {
		followed = append(followed, seqsOf(line)...)
	}
	if err := <-done; err != nil {
		t.Errorf("tail -f: %v", err)
	}
	if diff := cmp.Diff([]string{"9", "12", "13"}, followed); diff != "" {
		t.Errorf("tail -f (-want +got):\n%s", diff)
	}
}

// TestAuditCommandErrors checks the usage errors of the audit commands.
func TestAuditCommandErrors(t *testing.T) {
	url := sqliteURL(t)
	sqldbtest.Migrated(t, url)
	for _, tt := range []struct {
		args    []string
		wantErr string
	}{
		{nil, "want a command"},
		{[]string{"shred"}, `unknown command "shred"`},
		{[]string{"tail", "-n", "5000"}, "-n must be 0 to 1000"},
		{[]string{"verify", "--pubkey", "/nonexistent.pem"}, "reading the public key"},
		{[]string{"pubkey", "now"}, `unexpected argument "now"`},
		{[]string{"verify", "--bogus"}, "flag provided but not defined"},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			if _, err := runCLI(t, url, tt.args...); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %v, want %q", err, tt.wantErr)
			}
		})
	}
	if out, err := runCLI(t, url, "verify"); err != nil || out != "the audit trail is empty: nothing to verify\n" {
		t.Errorf("verify on an empty trail: %v, %q", err, out)
	}
}
