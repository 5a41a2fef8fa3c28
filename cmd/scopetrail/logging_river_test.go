package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestDemoBannerFirst boots the demo at LOG_LEVEL=info, as a newcomer runs
// it, and checks that the welcome is the first thing it prints and that
// River's migration, start and stop lines are not logged at all.
func TestDemoBannerFirst(t *testing.T) {
	a := startApp(t, "")
	if first := strings.TrimSpace(a.stdout.String()); !strings.HasPrefix(first, "ScopeTrail demo:") {
		t.Errorf("stdout does not start with the demo's welcome:\n%s", first)
	}
	if err := a.stop(); err != nil {
		t.Fatalf("realMain: %v", err)
	}
	var msgs []string
	for line := range strings.Lines(a.stderr.String()) {
		var rec struct{ Level, Msg, Component string }
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("stderr line %q: %v", line, err)
		}
		if rec.Component == "jobs" && rec.Level != "WARN" && rec.Level != "ERROR" {
			t.Errorf("River logged at %s: %s", rec.Level, line)
		}
		msgs = append(msgs, rec.Msg)
	}
	if len(msgs) == 0 || msgs[0] != "serving" {
		t.Errorf("the log starts with %q, want the welcome's \"serving\" first", msgs)
	}
}

// TestQuietLogger checks that River's informational lines are written at
// debug, and its warnings at their own level.
func TestQuietLogger(t *testing.T) {
	var buf bytes.Buffer
	for _, level := range []string{"info", "debug"} {
		buf.Reset()
		log := quietLogger(newLogger(LogConfig{Level: level, Format: "text"}, &buf)).With("component", "jobs")
		log.Info("rivermigrate.Migrator: Applied migration", "version", 1)
		log.Warn("jobs stuck")
		got := buf.String()
		if strings.Contains(got, "Applied migration") != (level == "debug") || !strings.Contains(got, "level=WARN msg=\"jobs stuck\"") {
			t.Errorf("LOG_LEVEL=%s logs:\n%s", level, got)
		}
		if level == "debug" && !strings.Contains(got, "level=DEBUG msg=\"rivermigrate.Migrator: Applied migration\" component=jobs version=1") {
			t.Errorf("LOG_LEVEL=debug logs River's migration as:\n%s", got)
		}
	}
}
