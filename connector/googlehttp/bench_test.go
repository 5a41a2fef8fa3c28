package googlehttp_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"google.golang.org/api/option"
	"google.golang.org/api/people/v1"

	"github.com/scopetrail/scopetrail/connector/connectortest"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
)

// BenchmarkListDirectory lists 10,000 directory people, 1,000 a page,
// through the door and through a plain client that only sets the token,
// against the same fake in the same run, and reports both times and their
// ratio, the door's overhead:
//
//	go test -run '^$' -bench ListDirectory -benchtime 20x ./connector/googlehttp
func BenchmarkListDirectory(b *testing.B) { benchListDirectory(b, 10_000) }

// BenchmarkListDirectoryScale is BenchmarkListDirectory at 1,000, 10,000
// and 100,000 people, to read how the door's overhead grows with the size
// of the directory: per page, it should not grow at all.
func BenchmarkListDirectoryScale(b *testing.B) {
	for _, size := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("people=%d", size), func(b *testing.B) { benchListDirectory(b, size) })
	}
}

func benchListDirectory(b *testing.B, size int) {
	h := connectortest.New(b, connectortest.Options{Generate: workspace.GenerateOptions{Seed: 1, People: size},
		Trail: audit.Options{Replica: "bench"}})
	user := h.Authorize(b, h.People[0], scopes.OpenID, scopes.DirectoryReadonly)
	tok, _ := h.Tokens.Load(context.Background(), user)
	plain := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		r = r.Clone(r.Context())
		r.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		return http.DefaultTransport.RoundTrip(r)
	})}
	list := func(client *http.Client) time.Duration {
		ctx := connectortest.Ctx(scopes.PurposeInvite)
		svc, err := people.NewService(ctx, option.WithEndpoint(h.URLs.PeopleBase), option.WithHTTPClient(client))
		if err != nil {
			b.Fatal(err)
		}
		start, n := time.Now(), 0
		err = svc.People.ListDirectoryPeople().Sources("DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE").
			ReadMask("names,emailAddresses").PageSize(1000).
			Pages(ctx, func(r *people.ListDirectoryPeopleResponse) error { n += len(r.People); return nil })
		if err != nil || n < size {
			b.Fatalf("listed %d people, %v", n, err)
		}
		return time.Since(start)
	}
	door := h.Door.Client(user)
	var plainTime, doorTime time.Duration
	for b.Loop() {
		// Interleaved, so that both see the same load on the machine.
		plainTime += list(plain)
		doorTime += list(door)
	}
	b.ReportMetric(float64(plainTime.Milliseconds())/float64(b.N), "plain-ms/op")
	b.ReportMetric(float64(doorTime.Milliseconds())/float64(b.N), "door-ms/op")
	b.ReportMetric(float64(doorTime)/float64(plainTime), "door/plain")
}
