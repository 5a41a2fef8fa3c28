package googlehttp_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/api/calendar/v3"
	"google.golang.org/api/drive/v3"
	"google.golang.org/api/option"
	"google.golang.org/api/people/v1"

	"github.com/scopetrail/scopetrail/connector/connectortest"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/policy"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// services are the real Google API clients, acting for one user through a
// door.
type services struct {
	people   *people.Service
	calendar *calendar.Service
	drive    *drive.Service
	http     *http.Client
}

// newServices returns the clients of the fake at urls, acting for userID
// through d.
func newServices(t testing.TB, urls googletest.URLs, d *googlehttp.Door, userID string) services {
	t.Helper()
	ctx := context.Background()
	hc := d.Client(userID)
	p, err := people.NewService(ctx, option.WithEndpoint(urls.PeopleBase), option.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	c, err := calendar.NewService(ctx, option.WithEndpoint(urls.CalendarBase), option.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	dr, err := drive.NewService(ctx, option.WithEndpoint(urls.DriveBase), option.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	return services{people: p, calendar: c, drive: dr, http: hc}
}

// seen is what an activity entry says about one request, next to what the
// fake served.
type seen struct {
	Method, Scope, Purpose, Resource string
	Status                           int
	Outcome                          audit.Outcome
	Bytes, Items                     int64
}

func TestRealClientsThroughTheDoor(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	user := h.Authorize(t, h.People[0], allScopes...)
	s := newServices(t, h.URLs, h.Door, user)
	invite, meetings, recordings := connectortest.Ctx(scopes.PurposeInvite), connectortest.Ctx(scopes.PurposeMeetings), connectortest.Ctx(scopes.PurposeRecordings)

	dir, err := s.people.People.ListDirectoryPeople().Sources("DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE").
		ReadMask("names,emailAddresses").PageSize(5).Context(invite).Do()
	if err != nil {
		t.Fatalf("listDirectoryPeople: %v", err)
	}
	events, err := s.calendar.Events.List("primary").Fields("items(id)").Context(meetings).Do()
	if err != nil {
		t.Fatalf("events.list: %v", err)
	}
	files, err := s.drive.Files.List().Q("mimeType = 'video/mp4'").Fields("files(id,size)").Context(recordings).Do()
	if err != nil || len(files.Files) == 0 {
		t.Fatalf("files.list = %v, %v; want recordings", files, err)
	}
	resp, err := s.drive.Files.Get(files.Files[0].Id).Context(recordings).Download()
	if err != nil {
		t.Fatalf("files.get?alt=media: %v", err)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil || n != files.Files[0].Size {
		t.Fatalf("downloaded %d bytes, %v; want %d", n, err, files.Files[0].Size)
	}

	served := h.APIRequests(user)
	if len(served) != 4 {
		t.Fatalf("the fake served %d API requests, want 4: %+v", len(served), served)
	}
	want := []seen{
		{"people.people.listDirectoryPeople", scopes.DirectoryReadonly, "invite", "", 200, audit.OutcomeOK, served[0].Bytes, int64(len(dir.People))},
		{"calendar.events.list", scopes.CalendarEventsReadonly, "meetings", "calendarId=primary", 200, audit.OutcomeOK, served[1].Bytes, int64(len(events.Items))},
		{"drive.files.list", scopes.DriveReadonly, "recordings", "", 200, audit.OutcomeOK, served[2].Bytes, int64(len(files.Files))},
		{"drive.files.get", scopes.DriveReadonly, "recordings", "fileId=" + files.Files[0].Id, 200, audit.OutcomeOK, n, 0},
	}
	p, err := h.Trail.Query(context.Background(), audit.Filter{UserID: user, Event: audit.EventActivity})
	if err != nil {
		t.Fatal(err)
	}
	var got []seen
	for i, e := range p.Entries {
		got = append(got, seen{e.MethodName, e.Scope, e.Purpose, e.Resource, e.HTTPStatus, e.Outcome, e.NumResponseBytes, e.Items})
		if e.Latency <= 0 || e.ActorEmail != h.People[0] || e.ClientID != connectortest.ClientID || e.Replica != "test" || e.RequestID == "" {
			t.Errorf("entry %d: latency %v, actor %q, client %q, replica %q, request id %q", i, e.Latency, e.ActorEmail, e.ClientID, e.Replica, e.RequestID)
		}
		if served[i].MethodID != e.MethodName || served[i].Scope != e.Scope {
			t.Errorf("the fake saw %s with %s; the trail says %s with %s", served[i].MethodID, served[i].Scope, e.MethodName, e.Scope)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("activity entries (-want +got):\n%s", diff)
	}
	if len(dir.People) != 5 || len(events.Items) == 0 {
		t.Errorf("directory page of %d people, %d events; want 5 and some", len(dir.People), len(events.Items))
	}
}

func TestRefusalsSendNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	listFiles := func(s services, c context.Context) error { _, err := s.drive.Files.List().Context(c).Do(); return err }
	for i, tc := range []struct {
		name   string
		grant  []string                          // nil: the user never authorizes
		before func(t *testing.T, userID string) // changes to the grant
		do     func(s services, ctx context.Context) error
		ctx    context.Context
		want   policy.Reason
	}{
		{name: "no grant", do: listFiles, ctx: connectortest.Ctx(scopes.PurposeRecordings), want: policy.ReasonNoGrant},
		{name: "revoked", grant: allScopes, before: func(t *testing.T, u string) { check(t, h.Grants.Revoke(ctx, u, "admin")) },
			do: listFiles, ctx: connectortest.Ctx(scopes.PurposeRecordings), want: policy.ReasonRevoked},
		{name: "reconnect needed", grant: allScopes, before: func(t *testing.T, u string) { check(t, h.Grants.MarkReconnect(ctx, u, "x")) },
			do: listFiles, ctx: connectortest.Ctx(scopes.PurposeRecordings), want: policy.ReasonReconnectNeeded},
		{name: "suspended", grant: allScopes, before: func(t *testing.T, u string) { check(t, h.Grants.Suspend(ctx, u, scopes.DriveReadonly)) },
			do: listFiles, ctx: connectortest.Ctx(scopes.PurposeRecordings), want: policy.ReasonSuspended},
		{name: "wrong purpose", grant: allScopes, do: listFiles, ctx: connectortest.Ctx(scopes.PurposeMeetings), want: policy.ReasonPurposeNotDeclared},
		{name: "no purpose", grant: allScopes, do: listFiles, ctx: context.Background(), want: policy.ReasonPurposeNotDeclared},
		{name: "scope not granted", grant: []string{scopes.OpenID, scopes.CalendarEventsReadonly},
			do: func(s services, c context.Context) error {
				_, err := s.calendar.CalendarList.List().Context(c).Do()
				return err
			},
			ctx: connectortest.Ctx(scopes.PurposeMeetings), want: policy.ReasonScopeNotGranted},
		{name: "write method", grant: allScopes,
			do: func(s services, c context.Context) error {
				return s.calendar.Events.Delete("primary", "e1").Context(c).Do()
			},
			ctx: connectortest.Ctx(scopes.PurposeMeetings), want: policy.ReasonScopeNotGranted},
		{name: "unknown method", grant: allScopes,
			do: func(s services, c context.Context) error {
				req, _ := http.NewRequestWithContext(c, http.MethodGet, h.URLs.DriveBase+"files/f1/no/such/method", nil)
				_, err := s.http.Do(req)
				return err
			},
			ctx: connectortest.Ctx(scopes.PurposeRecordings), want: policy.ReasonUnknownMethod},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			user := "u-" + h.People[i+1]
			if tc.grant != nil {
				user = h.Authorize(t, h.People[i+1], tc.grant...)
			}
			if tc.before != nil {
				tc.before(t, user)
			}
			err := tc.do(newServices(t, h.URLs, h.Door, user), tc.ctx)
			var denied *googlehttp.DeniedError
			if !errors.Is(err, googlehttp.ErrDenied) || !errors.As(err, &denied) || denied.Reason != tc.want {
				t.Fatalf("error %v, want a refusal for %s", err, tc.want)
			}
			if got := h.APIRequests(user); len(got) != 0 {
				t.Errorf("the fake served %d requests: %+v", len(got), got)
			}
			es := h.Entries(t, user)
			if len(es) != 1 || es[0].Event != audit.EventDeny || es[0].Outcome != audit.OutcomeDenied || es[0].ErrorReason != string(tc.want) {
				t.Errorf("entries %+v, want one deny entry for %s", es, tc.want)
			}
		})
	}
}

func TestAuditUnavailableSendsNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	user := h.Authorize(t, h.People[0], allScopes...)
	broken := sqldbtest.SQLite(t)
	trail := audit.New(broken, audit.Options{})
	broken.Close()
	s := newServices(t, h.URLs, h.NewDoor(t, func(o *googlehttp.Options) { o.Trail = trail }), user)
	for _, tc := range []struct {
		name    string
		ctx     context.Context
		also    error
		wantErr error
	}{
		{"allowed request", connectortest.Ctx(scopes.PurposeRecordings), nil, googlehttp.ErrAuditUnavailable},
		{"refused request", connectortest.Ctx(scopes.PurposeMeetings), googlehttp.ErrDenied, googlehttp.ErrAuditUnavailable},
	} {
		_, err := s.drive.Files.List().Context(tc.ctx).Do()
		if !errors.Is(err, tc.wantErr) || (tc.also != nil && !errors.Is(err, tc.also)) {
			t.Errorf("%s: error %v, want %v", tc.name, err, tc.wantErr)
		}
	}
	if got := h.APIRequests(user); len(got) != 0 {
		t.Errorf("the fake served %d requests: %+v", len(got), got)
	}
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
