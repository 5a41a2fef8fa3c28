package main

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/jobs"
)

// TestReplicaConfig checks the defaults of JOBS_RESCUE_AFTER, which is the
// jobs package's, and REPLICA_NAME, which is the host name, and that a bad
// value of either is reported by name.
func TestReplicaConfig(t *testing.T) {
	t.Parallel()
	cfg, err := parseConfig(goodSecrets())
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Jobs.RescueAfter != jobs.DefaultRescueAfter {
		t.Errorf("JOBS_RESCUE_AFTER defaults to %s, want %s", cfg.Jobs.RescueAfter, jobs.DefaultRescueAfter)
	}
	host, _ := os.Hostname()
	if got := cfg.Server.replica(); got != host {
		t.Errorf("the replica is %q by default, want the host name %q", got, host)
	}
	cfg, err = parseConfig(merge(goodSecrets(), map[string]string{"REPLICA_NAME": "web-2", "JOBS_RESCUE_AFTER": "5s"}))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Server.replica(); got != "web-2" || cfg.Jobs.RescueAfter != 5*time.Second {
		t.Errorf("replica %q, rescue after %s; want web-2, 5s", got, cfg.Jobs.RescueAfter)
	}

	ce := configProblems(t, merge(goodSecrets(), map[string]string{"JOBS_RESCUE_AFTER": "1s", "REPLICA_NAME": " web-2"}))
	want := []string{
		"JOBS_RESCUE_AFTER: 1s is shorter than 2s; a running job beats every quarter of it, write for example 1m, or unset it for the default",
		`REPLICA_NAME: " web-2" has surrounding spaces or control characters; write a plain name such as web-1, or unset it for the host name`,
	}
	if strings.Join(ce.Problems, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(ce.Problems, "\n"), strings.Join(want, "\n"))
	}
}
