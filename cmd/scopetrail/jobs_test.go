package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestUsersFor checks who the periodic re-syncs visit: the users whose
// grant is usable for the purpose, and nobody revoked.
func TestUsersFor(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	grants := grant.NewStore(sqldbtest.SQLite(t), time.Now)
	for id, granted := range map[string][]string{
		"u-admin":   {scopes.OpenID, scopes.Email, scopes.DirectoryReadonly, scopes.CalendarReadonly},
		"u-member":  {scopes.OpenID, scopes.Email, scopes.CalendarEventsReadonly},
		"u-signin":  {scopes.OpenID, scopes.Email},
		"u-revoked": {scopes.OpenID, scopes.Email, scopes.DirectoryReadonly, scopes.CalendarReadonly},
	} {
		if _, err := grants.Record(ctx, id, "client", granted); err != nil {
			t.Fatal(err)
		}
	}
	if err := grants.Revoke(ctx, "u-revoked", "test"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		purpose scopes.Purpose
		want    []string
	}{
		{scopes.PurposeInvite, []string{"u-admin"}},
		{scopes.PurposeMeetings, []string{"u-admin", "u-member"}},
	} {
		got, err := usersFor(grants, tc.purpose)(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("usersFor(%s) (-want +got):\n%s", tc.purpose, diff)
		}
	}
}

// TestJobsStartAndStopWithTheApp boots the program and checks that the job
// runner starts with it and stops after the HTTP server, at shutdown.
func TestJobsStartAndStopWithTheApp(t *testing.T) {
	a := startApp(t, "")
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
