package grant_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/clocktest"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func newStore(t *testing.T, db *sqldb.DB) (*grant.Store, *clocktest.Clock) {
	t.Helper()
	c := clocktest.New(t0)
	return grant.NewStore(db, c.Now), c
}

func TestStoreConformance(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		for _, tc := range []struct {
			name string
			run  func(t *testing.T, s *grant.Store, c *clocktest.Clock)
		}{
			{"record replaces the granted set", testRecordReplaces},
			{"status changes", testStatus},
			{"suspend and resume", testSuspend},
			{"unknown user", testNotFound},
			{"list", testList},
		} {
			t.Run(tc.name, func(t *testing.T) {
				s, c := newStore(t, db)
				tc.run(t, s, c)
			})
		}
	})
}

func testRecordReplaces(t *testing.T, s *grant.Store, c *clocktest.Clock) {
	ctx := context.Background()
	g, err := s.Record(ctx, "u-record", "client-a", []string{scopes.CalendarReadonly, scopes.UserinfoEmail, scopes.OpenID, scopes.OpenID})
	if err != nil {
		t.Fatalf("Record: %v", err)
	}
	want := grant.Grant{
		UserID: "u-record", ClientID: "client-a",
		Scopes: []string{scopes.Email, scopes.CalendarReadonly, scopes.OpenID},
		Granted: []grant.ScopeGrant{
			{Scope: scopes.Email, ClientID: "client-a", GrantedAt: t0},
			{Scope: scopes.CalendarReadonly, ClientID: "client-a", GrantedAt: t0},
			{Scope: scopes.OpenID, ClientID: "client-a", GrantedAt: t0},
		},
		Status: grant.StatusActive, GrantedAt: t0, UpdatedAt: t0,
	}
	if diff := cmp.Diff(want, g); diff != "" {
		t.Fatalf("Record (-want +got):\n%s", diff)
	}
	c.Advance(time.Hour)
	t1 := c.Now()
	g, err = s.Record(ctx, "u-record", "client-b", []string{scopes.OpenID, scopes.DriveReadonly})
	if err != nil {
		t.Fatalf("second Record: %v", err)
	}
	want = grant.Grant{
		UserID: "u-record", ClientID: "client-b",
		Scopes: []string{scopes.DriveReadonly, scopes.OpenID},
		Granted: []grant.ScopeGrant{
			{Scope: scopes.DriveReadonly, ClientID: "client-b", GrantedAt: t1},
			{Scope: scopes.OpenID, ClientID: "client-a", GrantedAt: t0},
		},
		Status: grant.StatusActive, GrantedAt: t0, UpdatedAt: t1,
	}
	if diff := cmp.Diff(want, g); diff != "" {
		t.Fatalf("second Record (-want +got):\n%s", diff)
	}
	got, err := s.Get(ctx, "u-record")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("Get (-want +got):\n%s", diff)
	}
}

func testStatus(t *testing.T, s *grant.Store, c *clocktest.Clock) {
	ctx := context.Background()
	if _, err := s.Record(ctx, "u-status", "c", []string{scopes.DirectoryReadonly}); err != nil {
		t.Fatalf("Record: %v", err)
	}
	steps := []struct {
		do         func() error
		wantStatus grant.Status
		wantReason string
	}{
		{func() error { return s.MarkReconnect(ctx, "u-status", "unauthorized_client") }, grant.StatusReconnectNeeded, "unauthorized_client"},
		{func() error { return s.Revoke(ctx, "u-status", "invalid_grant") }, grant.StatusRevoked, "invalid_grant"},
		{func() error { return s.MarkReconnect(ctx, "u-status", "later") }, grant.StatusRevoked, "invalid_grant"},
		{func() error { return s.Revoke(ctx, "u-status", "invalid_grant") }, grant.StatusRevoked, "invalid_grant"},
		{func() error {
			_, err := s.Record(ctx, "u-status", "c", []string{scopes.DirectoryReadonly})
			return err
		}, grant.StatusActive, ""},
	}
	for i, st := range steps {
		c.Advance(time.Minute)
		if err := st.do(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		g, err := s.Get(ctx, "u-status")
		if err != nil {
			t.Fatalf("step %d: Get: %v", i, err)
		}
		if g.Status != st.wantStatus || g.Reason != st.wantReason {
			t.Errorf("step %d: status %q reason %q, want %q %q", i, g.Status, g.Reason, st.wantStatus, st.wantReason)
		}
	}
}

func testSuspend(t *testing.T, s *grant.Store, _ *clocktest.Clock) {
	ctx := context.Background()
	const u = "u-suspend"
	if _, err := s.Record(ctx, u, "c", []string{scopes.CalendarReadonly, scopes.CalendarEventsReadonly}); err != nil {
		t.Fatalf("Record: %v", err)
	}
	if err := s.Suspend(ctx, u, scopes.DriveReadonly); !errors.Is(err, grant.ErrScopeNotGranted) {
		t.Fatalf("Suspend of an ungranted scope = %v, want ErrScopeNotGranted", err)
	}
	for range 2 {
		if err := s.Suspend(ctx, u, scopes.CalendarReadonly); err != nil {
			t.Fatalf("Suspend: %v", err)
		}
	}
	g, err := s.Get(ctx, u)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if diff := cmp.Diff([]string{scopes.CalendarReadonly}, g.Suspended); diff != "" {
		t.Fatalf("Suspended (-want +got):\n%s", diff)
	}
	if g.Usable(scopes.CalendarReadonly) || !g.Usable(scopes.CalendarEventsReadonly) {
		t.Fatalf("Usable: calendar.readonly %v, calendar.events.readonly %v", g.Usable(scopes.CalendarReadonly), g.Usable(scopes.CalendarEventsReadonly))
	}
	// Re-consent does not lift a suspension.
	if g, err = s.Record(ctx, u, "c", []string{scopes.CalendarReadonly}); err != nil || !g.IsSuspended(scopes.CalendarReadonly) {
		t.Fatalf("after Record: suspended %v, err %v; want still suspended", g.IsSuspended(scopes.CalendarReadonly), err)
	}
	for range 2 {
		if err := s.Resume(ctx, u, scopes.CalendarReadonly); err != nil {
			t.Fatalf("Resume: %v", err)
		}
	}
	if g, err = s.Get(ctx, u); err != nil || len(g.Suspended) != 0 || !g.Usable(scopes.CalendarReadonly) {
		t.Fatalf("after Resume: %+v, %v", g, err)
	}
}

func testNotFound(t *testing.T, s *grant.Store, _ *clocktest.Clock) {
	ctx := context.Background()
	for name, err := range map[string]error{
		"Get":           func() error { _, err := s.Get(ctx, "nobody"); return err }(),
		"MarkReconnect": s.MarkReconnect(ctx, "nobody", "x"),
		"Revoke":        s.Revoke(ctx, "nobody", "x"),
		"Suspend":       s.Suspend(ctx, "nobody", scopes.DriveReadonly),
		"Resume":        s.Resume(ctx, "nobody", scopes.DriveReadonly),
	} {
		if !errors.Is(err, grant.ErrNotFound) {
			t.Errorf("%s = %v, want ErrNotFound", name, err)
		}
	}
	if _, err := s.Record(ctx, "", "c", nil); err == nil {
		t.Error("Record without a user id succeeded")
	}
}

func testList(t *testing.T, s *grant.Store, _ *clocktest.Clock) {
	ctx := context.Background()
	for _, u := range []string{"list-b", "list-a"} {
		if _, err := s.Record(ctx, u, "c", []string{scopes.DriveReadonly}); err != nil {
			t.Fatalf("Record: %v", err)
		}
	}
	gs, err := s.List(ctx)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	var got []string
	for _, g := range gs {
		if len(g.UserID) > 5 && g.UserID[:5] == "list-" {
			got = append(got, g.UserID)
		}
	}
	if diff := cmp.Diff([]string{"list-a", "list-b"}, got); diff != "" {
		t.Fatalf("List (-want +got):\n%s", diff)
	}
}
