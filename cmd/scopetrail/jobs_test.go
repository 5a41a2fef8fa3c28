package main

import (
	"strings"
	"testing"
	"time"
)

// TestJobsStartAndStopWithTheApp boots the program and checks that the job
// runner starts with it and stops after the HTTP server, at shutdown.
func TestJobsStartAndStopWithTheApp(t *testing.T) {
	// River's lines are at debug (quietLogger).
	a := startAppWith(t, "", map[string]string{"LOG_LEVEL": "debug"})
	// River reports its start from its own goroutine, after realMain starts
	// serving; wait for it before asking the app to stop.
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(a.stderr.String(), "River client started") {
		if time.Now().After(deadline) {
			t.Fatalf("River did not start within 10s; logs:\n%s", a.stderr)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := a.stop(); err != nil {
		t.Fatalf("realMain: %v", err)
	}
	logs := a.stderr.String()
	started := strings.Index(logs, "River client started")
	shutdown := strings.Index(logs, `"msg":"shutting down"`)
	stopped := strings.Index(logs, "River client stopped")
	if started < 0 || shutdown < started || stopped < shutdown {
		t.Errorf("want River started, then shutting down, then River stopped; logs:\n%s", logs)
	}
}
