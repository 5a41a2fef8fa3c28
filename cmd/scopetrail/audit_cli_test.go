package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// auditCLIEnv configures `scopetrail audit` on a new database holding a
// trail of 13 entries, checkpointed every 5, and returns the database's
// path: 8 requests, one of them still in flight, two whose entries
// interleave, a refusal and an admin's suspension of a member's scope.
func auditCLIEnv(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	seed := bytes.Repeat([]byte{5}, ed25519.SeedSize)
	dbPath := filepath.Join(dir, "scopetrail.db")
	setAuditEnv(t, dir, dbPath, seed)
	ctx := context.Background()
	db, err := sqldb.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	tr := audit.New(db, audit.Options{Signer: ed25519.NewKeyFromSeed(seed), CheckpointEvery: 5,
		Now: func() time.Time { at = at.Add(time.Minute); return at }})
	call := func(email, scope, method, purpose string) audit.Entry {
		b, err := tr.Begin(ctx, audit.Entry{ActorID: "u-" + email, ActorEmail: email, Event: audit.EventActivity, Scope: scope,
			MethodName: method, APIName: strings.Split(method, ".")[0], Purpose: purpose})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	done := func(b audit.Entry, r audit.Result) {
		if _, err := tr.Complete(ctx, b, r); err != nil {
			t.Fatal(err)
		}
	}
	ok := audit.Result{Outcome: audit.OutcomeOK, HTTPStatus: 200, NumResponseBytes: 2048}
	for range 3 {
		done(call("bob@acme.test", scopes.DriveReadonly, "drive.files.get", "recordings"), ok)
	}
	first := call("ana@acme.test", scopes.CalendarReadonly, "calendar.events.list", "meetings")
	second := call("bob@acme.test", scopes.DirectoryReadonly, "people.people.listDirectoryPeople", "invite")
	done(second, ok)
	done(first, audit.Result{Outcome: audit.OutcomeError, HTTPStatus: 503, ErrorReason: "backendError"})
	for _, e := range []audit.Entry{
		{ActorID: "u-bob", ActorEmail: "bob@acme.test", Event: audit.EventDeny, Outcome: audit.OutcomeDenied, Scope: scopes.DriveReadonly,
			MethodName: "drive.files.list", Purpose: "recordings", ErrorReason: "scope_suspended"},
		{ActorID: "u-admin", ActorEmail: "admin@acme.test", Event: audit.EventSuspend, SubjectID: "u-zoe", SubjectEmail: "zoe@acme.test",
			Scope: scopes.DriveReadonly, ErrorReason: "left the team"},
	} {
		if _, err := tr.Append(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	call("ana@acme.test", scopes.DriveReadonly, "drive.files.list", "recordings") // in flight
	return dbPath
}

// ANSI colours, as tail writes outcomes on a terminal.
const (
	green  = "\x1b[32m"
	red    = "\x1b[31m"
	yellow = "\x1b[33m"
	reset  = "\x1b[0m"
)

// setAuditEnv configures `scopetrail audit` for the rest of the test: the
// database at dbPath, the signing key of seed, the demo's keys file in dir,
// and NO_COLOR unset.
func setAuditEnv(t *testing.T, dir, dbPath string, seed []byte) {
	t.Helper()
	for k, v := range map[string]string{
		"GOOGLE_CLIENT_ID": "", "DATABASE_URL": dbPath, "DEMO_KEYS_FILE": filepath.Join(dir, "keys.env"),
		"SESSION_KEYS": "", "TOKEN_KEYS": "", "AUDIT_SIGNING_KEY": base64.StdEncoding.EncodeToString(seed),
		"ADDR": "127.0.0.1:0", "BASE_URL": "", "ALLOWED_DOMAINS": "", "ADMIN_EMAILS": "", "LOG_FORMAT": "json", "LOG_LEVEL": "info",
		"NO_COLOR": "",
	} {
		t.Setenv(k, v)
	}
}

// runCLI runs `scopetrail args...` and returns its stdout and stderr.
func runCLI(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = realMain(t.Context(), args, &out, &errOut)
	return out.String(), errOut.String(), err
}

// TestAuditTailTable checks `scopetrail audit tail` off a terminal: an
// aligned table with one row per request, its begin and outcome entries
// joined, and no colour codes.
func TestAuditTailTable(t *testing.T) {
	auditCLIEnv(t)
	out, _, err := runCLI(t, "audit", "tail")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "\x1b[") {
		t.Errorf("colour codes off a terminal:\n%q", out)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	head := lines[0]
	if got := regexp.MustCompile(`\s{2,}`).Split(strings.TrimSpace(head), -1); strings.Join(got, "|") !=
		"#|TIME (UTC)|WHO|WHOSE DATA|SCOPE|METHOD|PURPOSE|OUTCOME|BYTES" {
		t.Fatalf("heading %q", got)
	}
	want := []struct{ seq, who, whose, scope, method, purpose, outcome, bytes string }{
		{"1", "bob@acme.test", "self", "drive.readonly", "drive.files.get", "recordings", "ok", "2.0 kB"},
		{"3", "bob@acme.test", "self", "drive.readonly", "drive.files.get", "recordings", "ok", "2.0 kB"},
		{"5", "bob@acme.test", "self", "drive.readonly", "drive.files.get", "recordings", "ok", "2.0 kB"},
		{"7", "ana@acme.test", "self", "calendar.readonly", "calendar.events.list", "meetings", "error (backendError)", "-"},
		{"8", "bob@acme.test", "self", "directory.readonly", "people.people.listDirectoryPeople", "invite", "ok", "2.0 kB"},
		{"11", "bob@acme.test", "self", "drive.readonly", "drive.files.list", "recordings", "denied (scope_suspended)", "-"},
		{"12", "admin@acme.test", "zoe@acme.test", "drive.readonly", "suspend", "-", "ok (left the team)", "-"},
		{"13", "ana@acme.test", "self", "drive.readonly", "drive.files.list", "recordings", "pending", "-"},
	}
	rows := lines[1:]
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want one per request, %d:\n%s", len(rows), len(want), out)
	}
	// Each left-aligned column starts where its heading does.
	starts := regexp.MustCompile(`  \S`).FindAllStringIndex(head, -1)
	for i, row := range rows {
		cells := regexp.MustCompile(`\s{2,}`).Split(strings.TrimSpace(row), -1)
		w := want[i]
		if got, exp := strings.Join(append([]string{cells[0]}, cells[2:]...), "|"),
			strings.Join([]string{w.seq, w.who, w.whose, w.scope, w.method, w.purpose, w.outcome, w.bytes}, "|"); got != exp {
			t.Errorf("row %d: %s\nwant    %s", i, got, exp)
		}
		for _, s := range starts[:len(starts)-1] { // the last column, bytes, is aligned right
			if at := s[0] + 2; at >= len(row) || row[at-1] != ' ' || row[at] == ' ' {
				t.Errorf("row %d is not aligned with the heading at column %d:\n%s\n%s", i, at, head, row)
			}
		}
		if len(row) != len(head) {
			t.Errorf("row %d ends at %d, the heading at %d: bytes are not aligned right:\n%s\n%s", i, len(row), len(head), head, row)
		}
	}
	if !regexp.MustCompile(`^ 1  2026-03-01 09:0\d:00  bob`).MatchString(rows[0]) {
		t.Errorf("the first row does not give the request's time: %q", rows[0])
	}
	if out, _, err := runCLI(t, "audit", "tail", "-n", "2"); err != nil || len(strings.Split(strings.TrimSpace(out), "\n")) != 3 {
		t.Errorf("tail -n 2: %v\n%s", err, out)
	}
}

// TestAuditSummaries checks what verify and export -o say when done, off a
// terminal: a summary on stdout and no progress bar on stderr.
func TestAuditSummaries(t *testing.T) {
	auditCLIEnv(t)
	out, errOut, err := runCLI(t, "audit", "verify")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^verified 13 entries in \d+(\.\d)? m?s, chain intact up to checkpoint #2\n` +
		`the chain is intact up to entry 13 at 2026-03-01T09:\d\d:00Z; checkpoint #2 signs entries 1 to 10, signed at 2026-03-01T09:\d\d:00Z with key \w+\n`).
		MatchString(out) {
		t.Errorf("verify says:\n%s", out)
	}
	if errOut != "" {
		t.Errorf("verify wrote to stderr off a terminal: %q", errOut)
	}
	file := filepath.Join(t.TempDir(), "audit.csv")
	out, errOut, err = runCLI(t, "audit", "export", "--format", "csv", "-o", file)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("exported 8 entries (%.1f kB) to %s\n", float64(fi.Size())/1000, file); out != want {
		t.Errorf("export says %q, want %q", out, want)
	}
	if errOut != "" {
		t.Errorf("export wrote to stderr off a terminal: %q", errOut)
	}
}

// openPTY returns a new pseudo-terminal: the terminal end a command writes
// to, and what the command wrote there, read once the terminal end is
// closed.
func openPTY(t *testing.T) (tty *os.File, written func() string) {
	t.Helper()
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { ptmx.Close() })
	if err := unix.IoctlSetPointerInt(int(ptmx.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(ptmx.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	if tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = io.Copy(&buf, ptmx) // ends with EIO once tty is closed
	}()
	return tty, func() string {
		tty.Close()
		<-done
		return buf.String()
	}
}

// TestAuditOnTerminal runs the audit commands on a terminal: tail colours
// outcomes (green, red, yellow) unless NO_COLOR is set, and verify and
// export draw a progress bar on stderr, which they clear again before the
// summary.
func TestAuditOnTerminal(t *testing.T) {
	auditCLIEnv(t)
	tail := func() string {
		tty, written := openPTY(t)
		if err := realMain(t.Context(), []string{"audit", "tail"}, tty, io.Discard); err != nil {
			t.Fatal(err)
		}
		return written()
	}
	out := tail()
	for _, want := range []string{green + "ok" + reset, red + "error (backendError)" + reset, red + "denied (scope_suspended)" + reset, yellow + "pending" + reset} {
		if !strings.Contains(out, want) {
			t.Errorf("tail on a terminal lacks %q:\n%q", want, out)
		}
	}
	if !regexp.MustCompile(`(?m)^ 1  2026-03-01 09:0\d:00  bob@acme.test    self  `).MatchString(out) {
		t.Errorf("colour codes misalign the table:\n%s", out)
	}
	t.Setenv("NO_COLOR", "1")
	if out := tail(); strings.Contains(out, "\x1b[") || !strings.Contains(out, "pending") {
		t.Errorf("tail with NO_COLOR set:\n%q", out)
	}

	for _, args := range [][]string{{"audit", "verify"}, {"audit", "export", "--format", "jsonl", "-o", filepath.Join(t.TempDir(), "a.jsonl")}} {
		tty, written := openPTY(t)
		var stdout bytes.Buffer
		if err := realMain(t.Context(), args, &stdout, tty); err != nil {
			t.Fatal(err)
		}
		bar := written()
		if !strings.HasPrefix(bar, "\r"+map[string]string{"verify": "verifying", "export": "exporting"}[args[1]]+" ") || !strings.Contains(bar, "% |") || !strings.HasSuffix(bar, "\r") {
			t.Errorf("%s draws no progress bar on a terminal's stderr: %q", args[1], bar)
		}
		if !strings.HasPrefix(stdout.String(), map[string]string{"verify": "verified 13 entries in ", "export": "exported 8 entries ("}[args[1]]) {
			t.Errorf("%s says %q", args[1], stdout.String())
		}
	}
}
