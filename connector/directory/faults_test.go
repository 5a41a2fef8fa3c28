package directory_test

import (
	"context"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/directory"
	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// faultKinds are the failures mixed into the faulty run: rate limits (429
// and 403), server errors and connections cut in the middle of the body.
var faultKinds = []googletest.FaultKind{
	googletest.FaultTooManyRequests, googletest.FaultRateLimit, googletest.FaultUserRateLimit,
	googletest.FaultBackendError, googletest.FaultUnavailable, googletest.FaultCutBody,
}

// TestSyncWithFaults syncs the directory twice, once cleanly and once with
// 20% of the People requests failing, and checks that both end with exactly
// the same copy, through a full sync and an incremental one.
func TestSyncWithFaults(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t, sqldbtest.SQLite(t), 300, 42)
	clean, faulty := h.authorize(t, h.person(t, 0)), h.authorize(t, h.person(t, 1))
	s := h.syncer(t, func(o *directory.Options) { o.PageSize = 10 })

	// Each of the kinds fires with probability p, tried in turn, so that a
	// request fails with probability 1-(1-p)^len(faultKinds) = 20%.
	p := 1 - math.Pow(0.8, 1/float64(len(faultKinds)))
	syncBoth := func(step string) {
		t.Helper()
		h.Fake.ClearFaults()
		cleanStats, err := s.Sync(ctx, clean)
		if err != nil {
			t.Fatalf("%s: clean Sync: %v", step, err)
		}
		for _, k := range faultKinds {
			h.Fake.AddFault(googletest.Fault{Method: "people.people.listDirectoryPeople", Kind: k, Probability: p})
		}
		faultyStats, err := s.Sync(ctx, faulty)
		if err != nil {
			t.Fatalf("%s: Sync with faults: %v", step, err)
		}
		t.Logf("%s: %d requests without faults, %d with", step, cleanStats.Requests, faultyStats.Requests)
		if faultyStats.Requests <= cleanStats.Requests {
			t.Errorf("%s: no request failed; the faults did not fire", step)
		}
		if diff := cmp.Diff(copyOf(t, s, clean), copyOf(t, s, faulty)); diff != "" {
			t.Fatalf("%s: the copy made with faults differs (-clean +faulty):\n%s", step, diff)
		}
		if diff := cmp.Diff(h.want(), copyOf(t, s, faulty)); diff != "" {
			t.Fatalf("%s: the copy differs from the directory (-want +got):\n%s", step, diff)
		}
	}
	syncBoth("full")

	for i := range 40 {
		p, _ := h.Workspace.Person(h.person(t, i*7))
		if i%2 == 0 {
			p.DisplayName += " Jr"
			h.Workspace.PutPerson(p)
		} else if err := h.Workspace.DeletePerson(p.ID); err != nil {
			t.Fatal(err)
		}
	}
	h.Workspace.PutPerson(workspace.Person{ID: "c9999999999", Email: "zoe.new@example.test", DisplayName: "Zoe New"})
	syncBoth("incremental")
}
