package directory_test

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/connectortest"
	"github.com/scopetrail/scopetrail/connector/directory"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/connector/retry"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// fastRetry retries often and quickly, so that fault tests stay fast.
var fastRetry = retry.Policy{MaxAttempts: 12, Base: time.Millisecond, Max: 5 * time.Millisecond}

// harness is a fake Google serving a generated workspace, a database, and
// the audited door to the fake.
type harness struct {
	*connectortest.Env
}

// newHarness serves a workspace of n people, seeded by seed, from a fake
// whose random faults follow faultSeed.
func newHarness(t testing.TB, db *sqldb.DB, n int, faultSeed uint64) *harness {
	t.Helper()
	return &harness{connectortest.New(t, connectortest.Options{Generate: workspace.GenerateOptions{Seed: 3, People: n},
		FaultSeed: faultSeed, DB: db, Trail: audit.Options{CheckpointEvery: -1}})}
}

// syncer returns a Syncer on the harness's door; edit may change its options.
func (h *harness) syncer(t testing.TB, edit ...func(*directory.Options)) *directory.Syncer {
	t.Helper()
	o := directory.Options{DB: h.DB, Door: h.Door, Endpoint: h.URLs.PeopleBase, Retry: fastRetry}
	for _, e := range edit {
		e(&o)
	}
	s, err := directory.New(o)
	if err != nil {
		t.Fatalf("directory.New: %v", err)
	}
	return s
}

// authorize runs Google's consent for the person with the given email,
// granting the invite feature's scopes, and stores the grant and the token.
// It returns the user id, "u-"+email.
func (h *harness) authorize(t testing.TB, email string) string {
	t.Helper()
	return h.Authorize(t, email, scopes.OpenID, scopes.Email, scopes.DirectoryReadonly)
}

// person returns the email of the workspace's i-th live person.
func (h *harness) person(t testing.TB, i int) string {
	t.Helper()
	for _, p := range h.Workspace.People() {
		if p.Deleted {
			continue
		}
		if i == 0 {
			return p.Email
		}
		i--
	}
	t.Fatal("the workspace has too few people")
	return ""
}

// want returns what a copy of the workspace's directory must hold, in the
// order People returns it.
func (h *harness) want() []directory.Person {
	var out []directory.Person
	for _, p := range h.Workspace.People() {
		if p.Deleted {
			continue
		}
		name := p.DisplayName
		if name == "" {
			name = strings.TrimSpace(p.GivenName + " " + p.FamilyName)
		}
		out = append(out, directory.Person{ResourceName: "people/" + p.ID, Name: name, Email: strings.ToLower(p.Email)})
	}
	return sortPeople(out)
}

// sortPeople sorts people by resource name, as databases sort names by
// different collations.
func sortPeople(people []directory.Person) []directory.Person {
	slices.SortFunc(people, func(a, b directory.Person) int { return strings.Compare(a.ResourceName, b.ResourceName) })
	return people
}

// listRequests counts the listDirectoryPeople requests the fake served.
func (h *harness) listRequests() int {
	n := 0
	for _, r := range h.Fake.Requests() {
		if r.MethodID == "people.people.listDirectoryPeople" {
			n++
		}
	}
	return n
}

// tapDoor is the door, except that it records the query of every request
// and, once failAfter requests went through (when failAfter is not
// negative), fails the others before they are sent, as a network outage
// would.
type tapDoor struct {
	door      directory.Door
	mu        sync.Mutex
	failAfter int
	queries   []url.Values
}

var errOutage = errors.New("test: network outage")

func (d *tapDoor) Client(userID string) *http.Client {
	inner := d.door.Client(userID)
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		d.mu.Lock()
		out := d.failAfter < 0 || len(d.queries) < d.failAfter
		d.queries = append(d.queries, r.URL.Query())
		d.mu.Unlock()
		if !out {
			return nil, errOutage
		}
		return inner.Transport.RoundTrip(r)
	})}
}

// sent returns the queries of the requests seen so far.
func (d *tapDoor) sent() []url.Values {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.queries)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
