package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// app is ScopeTrail booted through realMain, in demo mode, on a free port.
type app struct {
	base   string
	stdout *syncBuffer
	stderr *syncBuffer
	stop   func() error
}

// syncBuffer is a bytes.Buffer safe for one writer and many readers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// demoEnv configures the demo, with fresh keys and the database at
// databaseURL (a new SQLite file when empty), for the rest of the test. It
// transcribes nothing, so that the tests of other paths do not spend the
// machine on speech: the transcription test turns the engine on.
func demoEnv(t testing.TB, databaseURL string) {
	t.Helper()
	dir := t.TempDir()
	if databaseURL == "" {
		databaseURL = filepath.Join(dir, "scopetrail.db")
	}
	for k, v := range map[string]string{
		"ADDR": "127.0.0.1:0", "BASE_URL": "", "GOOGLE_CLIENT_ID": "", "GOOGLE_CLIENT_SECRET": "",
		"DATABASE_URL": databaseURL, "DEMO_KEYS_FILE": filepath.Join(dir, "demo-keys.env"), "RECORDINGS_SPOOL_DIR": filepath.Join(dir, "spool"),
		"SESSION_KEYS": "", "TOKEN_KEYS": "", "AUDIT_SIGNING_KEY": "", "ALLOWED_DOMAINS": "", "ADMIN_EMAILS": "", "SIGNUP_DOMAINS": "", "ADMIN_CONTACT": "",
		"LOG_FORMAT": "json", "LOG_LEVEL": "info", "RECORDING_RETENTION": "0", "TRANSCRIBE_ENGINE": "none",
		"METRICS_ADDR": "127.0.0.1:0", "METRICS_TOKEN": "",
		"AUDIT_WITNESS_FILE": "", "AUDIT_WITNESS_URL": "", "AUDIT_WITNESS_LOG": "", "AUDIT_CHECKPOINT_INTERVAL": "",
	} {
		t.Setenv(k, v)
	}
}

// startApp runs `scopetrail serve` in demo mode with fresh keys and the
// database at databaseURL (a new SQLite file when empty), and waits for it
// to print where it listens. The app stops when the test ends.
func startApp(t testing.TB, databaseURL string) *app {
	t.Helper()
	return startAppWith(t, databaseURL, nil)
}

// startAppWith is startApp with the variables of env set over the demo's.
func startAppWith(t testing.TB, databaseURL string, env map[string]string) *app {
	t.Helper()
	demoEnv(t, databaseURL)
	for k, v := range env {
		t.Setenv(k, v)
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	a := &app{stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	done := make(chan error, 1)
	go func() {
		done <- realMain(ctx, []string{"serve"}, pw, a.stderr)
		pw.Close()
	}()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			a.stdout.Write([]byte(line + "\n"))
			if addr, ok := strings.CutPrefix(line, "listening on "); ok {
				found <- addr
			}
		}
	}()
	select {
	case a.base = <-found:
	case err := <-done:
		cancel()
		t.Fatalf("realMain returned before listening: %v\nstderr:\n%s", err, a.stderr)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatalf("realMain did not report its address\nstderr:\n%s", a.stderr)
	}
	var once sync.Once
	var stopErr error
	a.stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case stopErr = <-done:
			case <-time.After(15 * time.Second):
				t.Error("realMain did not return after cancel")
			}
		})
		return stopErr
	}
	t.Cleanup(func() { a.stop() })
	return a
}

// riverShutdownNoise are the errors River logs when the app stops while it
// works, which lose nothing: the wake-up notice after a job insert that the
// shutdown cuts off (the job is stored), and the leader's resignation,
// which gives up after a second when the database is busy, as it is under
// the race detector on a loaded machine; the leadership then expires by
// itself.
var riverShutdownNoise = []string{
	`"msg":"Client: Failed to send job insert notification"`,
	`"msg":"leadership.Elector: Error attempting to resign"`,
}

// errorsLogged returns the lines of an app's log at level ERROR, but
// River's shutdown noise.
func errorsLogged(log string) []string {
	var errs []string
lines:
	for _, line := range strings.Split(log, "\n") {
		if !strings.Contains(line, `"level":"ERROR"`) {
			continue
		}
		for _, noise := range riverShutdownNoise {
			if strings.Contains(line, noise) {
				continue lines
			}
		}
		errs = append(errs, line)
	}
	return errs
}
