package retry_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"google.golang.org/api/calendar/v3"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"
	"google.golang.org/api/people/v1"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/connector/retry"
	"github.com/scopetrail/scopetrail/scopes"
)

// TestDoAgainstFake sends real client requests through the door to the fake
// while it injects faults, and checks what Do makes of them.
func TestDoAgainstFake(t *testing.T) {
	t.Parallel()
	const method = "people.people.listDirectoryPeople"
	for _, tc := range []struct {
		name      string
		faults    []googletest.Fault
		attempts  int
		wantCalls int
		wantMin   time.Duration // the least first wait
		wantCode  int           // the Google error code of a final failure; 0 for success
		wantErr   error         // a sentinel of a final failure
	}{
		{name: "429 with Retry-After", attempts: 3, wantCalls: 2, wantMin: 2 * time.Second,
			faults: []googletest.Fault{{Kind: googletest.FaultTooManyRequests, Count: 1, RetryAfter: 2 * time.Second}}},
		{name: "403 rate limit then 503", attempts: 3, wantCalls: 3, faults: []googletest.Fault{
			{Kind: googletest.FaultRateLimit, Count: 1}, {Kind: googletest.FaultUnavailable, Count: 1}}},
		{name: "403 user rate limit", attempts: 3, wantCalls: 2,
			faults: []googletest.Fault{{Kind: googletest.FaultUserRateLimit, Count: 1}}},
		{name: "500 backend error", attempts: 3, wantCalls: 2,
			faults: []googletest.Fault{{Kind: googletest.FaultBackendError, Count: 1}}},
		{name: "cut body", attempts: 3, wantCalls: 2,
			faults: []googletest.Fault{{Kind: googletest.FaultCutBody, Count: 1}}},
		{name: "503 forever is bounded", attempts: 4, wantCalls: 4, wantCode: 503,
			faults: []googletest.Fault{{Kind: googletest.FaultUnavailable}}},
		{name: "revoked at Google is not retried", attempts: 4, wantCalls: 1, wantErr: googlehttp.ErrRevoked,
			faults: []googletest.Fault{{Kind: googletest.FaultRevokeApp, Count: 1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			for _, f := range tc.faults {
				f.Method = method
				h.Fake.AddFault(f)
			}
			svc := h.people(t)
			rec := &recorder{}
			calls := 0
			var got *people.ListDirectoryPeopleResponse
			err := retry.Do(googlehttp.WithPurpose(context.Background(), scopes.PurposeInvite), policy(tc.attempts, 0, rec),
				func(ctx context.Context) error {
					calls++
					var err error
					got, err = svc.People.ListDirectoryPeople().Sources("DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE").
						ReadMask("names").PageSize(5).Context(ctx).Do()
					return err
				})
			if calls != tc.wantCalls {
				t.Errorf("calls = %d, want %d (err %v)", calls, tc.wantCalls, err)
			}
			if tc.wantMin > 0 && (len(rec.waits) == 0 || rec.waits[0] < tc.wantMin) {
				t.Errorf("waits = %v, want a first one of at least %v", rec.waits, tc.wantMin)
			}
			if tc.wantErr != nil {
				var re *retry.Error
				if !errors.Is(err, tc.wantErr) || !errors.As(err, &re) || re.Attempts != tc.wantCalls {
					t.Fatalf("Do = %v, want %v after %d attempts", err, tc.wantErr, tc.wantCalls)
				}
				return
			}
			if tc.wantCode == 0 {
				if err != nil || got == nil || len(got.People) == 0 {
					t.Fatalf("Do = %v with %v, want people", err, got)
				}
				return
			}
			var g *googleapi.Error
			var re *retry.Error
			if !errors.As(err, &g) || g.Code != tc.wantCode || !errors.As(err, &re) || re.Attempts != tc.wantCalls {
				t.Fatalf("Do = %v, want Google error %d after %d attempts", err, tc.wantCode, tc.wantCalls)
			}
		})
	}
}

// TestDoDeniedByDoor checks that a request the door refuses (no purpose
// declared for the scope) is not retried and reaches nobody.
func TestDoDeniedByDoor(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	svc, err := calendar.NewService(context.Background(), option.WithHTTPClient(h.Door.Client(h.userID)),
		option.WithEndpoint(h.URLs.CalendarBase))
	if err != nil {
		t.Fatal(err)
	}
	h.Fake.ResetRequests()
	calls := 0
	err = retry.Do(googlehttp.WithPurpose(context.Background(), scopes.PurposeInvite), policy(4, 0, &recorder{}),
		func(ctx context.Context) error {
			calls++
			_, err := svc.CalendarList.List().Context(ctx).Do()
			return err
		})
	if calls != 1 || !errors.Is(err, googlehttp.ErrDenied) {
		t.Fatalf("Do = %v after %d calls, want ErrDenied after 1", err, calls)
	}
	if n := len(h.Fake.Requests()); n != 0 {
		t.Errorf("the fake served %d requests, want 0", n)
	}
}

// people returns a People client that goes through the door as h's user.
func (h *harness) people(t *testing.T) *people.Service {
	t.Helper()
	svc, err := people.NewService(context.Background(), option.WithHTTPClient(h.Door.Client(h.userID)),
		option.WithEndpoint(h.URLs.PeopleBase))
	if err != nil {
		t.Fatal(err)
	}
	return svc
}
