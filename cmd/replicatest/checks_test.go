package replicatest

import (
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/scopes/audit"
)

// TestChecksOfAdminChanges checks that the revocation, suspension and
// refresh checks fail on the runs that break them, and pass on one that
// does not.
func TestChecksOfAdminChanges(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	const ana, bo = "ana@x.test", "bo@x.test"
	clean := func() *Outcome {
		return &Outcome{
			Revoked:   map[string]Window{ana: {at(10), at(11)}},
			Suspended: map[string]Window{bo: {at(10), at(11)}},
			Grants:    map[string]string{ana: "revoked", bo: "active"},
			Trail: &Trail{Revoked: map[string]int64{ana: 100}, Suspended: map[string]int64{bo: 100}, Requests: []Request{
				{Seq: 90, User: ana, Event: audit.EventActivity, Method: "drive.files.get"},
				{Seq: 101, User: ana, Event: audit.EventRevoke, Method: "oauth.revoke"},
				{Seq: 102, User: bo, Event: audit.EventActivity, Method: "calendar.events.list", Scope: "https://www.googleapis.com/auth/calendar.readonly"},
			}},
			Served: []googletest.RequestRecord{
				{Time: at(5), User: ana, MethodID: "drive.files.get", Status: 200},
				{Time: at(12), User: ana, MethodID: "oauth.revoke", Status: 200},
				{Time: at(12), User: bo, MethodID: "calendar.events.list", Status: 200},
			},
		}
	}
	tests := []struct {
		name  string
		spoil func(o *Outcome)
		check func(o *Outcome) []string
	}{
		{"a request begun after the revocation", func(o *Outcome) {
			o.Trail.Requests = append(o.Trail.Requests, Request{Seq: 103, User: ana, Event: audit.EventActivity, Method: "drive.files.list"})
		}, (*Outcome).checkRevoked},
		{"a request served after the revocation", func(o *Outcome) {
			o.Served = append(o.Served, googletest.RequestRecord{Time: at(13), User: ana, MethodID: "drive.files.list", Status: 200})
		}, (*Outcome).checkRevoked},
		{"a revoked token at Google", func(o *Outcome) {
			o.Served = append(o.Served, googletest.RequestRecord{Time: at(13), MethodID: "drive.files.list", Status: 401})
		}, (*Outcome).checkRevoked},
		{"drive.readonly used after the suspension", func(o *Outcome) {
			o.Trail.Requests = append(o.Trail.Requests, Request{Seq: 104, User: bo, Event: audit.EventActivity, Method: "drive.files.get", Scope: "https://www.googleapis.com/auth/drive.readonly"})
		}, (*Outcome).checkSuspended},
		{"Drive served after the suspension", func(o *Outcome) {
			o.Served = append(o.Served, googletest.RequestRecord{Time: at(13), User: bo, MethodID: "drive.files.get", Status: 200})
		}, (*Outcome).checkSuspended},
		{"invalid_grant at Google", func(o *Outcome) {
			o.Served = append(o.Served, googletest.RequestRecord{Time: at(13), User: bo, MethodID: "oauth.token", Status: 400})
		}, (*Outcome).checkRefresh},
		{"somebody else revoked", func(o *Outcome) { o.Grants[bo] = "revoked" }, (*Outcome).checkRefresh},
	}
	for _, c := range []func(o *Outcome) []string{(*Outcome).checkRevoked, (*Outcome).checkSuspended, (*Outcome).checkRefresh} {
		if got := c(clean()); len(got) > 0 {
			t.Errorf("a clean run fails: %q", got)
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := clean()
			tt.spoil(o)
			if got := tt.check(o); len(got) != 1 {
				t.Errorf("got %q, want one failure", got)
			}
		})
	}
}
