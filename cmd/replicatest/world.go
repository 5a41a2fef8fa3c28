package replicatest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// World is one run: the fake Google, the network in front of it, the
// cluster of replicas on one database, and the people using it.
type World struct {
	Google  *Google
	Proxy   *Proxy
	Cluster *Cluster
	DB      *sqldb.DB
	Admin   *Person
	Members []*Person
}

// NewWorld starts Google and the network, and configures (without
// starting) n replicas of bin on the database at databaseURL. Everything
// stops when t ends.
func NewWorld(t testing.TB, bin, databaseURL string, o Options, n int) *World {
	t.Helper()
	g, err := StartGoogle(o.Workspace)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	p, err := StartProxy(g.URL, ProxyOptions{Seed: uint64(o.Workspace.Seed), Hang: o.Hang, DownloadRate: o.DownloadRate, TokenLife: o.TokenLife})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	c, err := NewCluster(bin, t.TempDir(), databaseURL, g, p, n, o.env())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, r := range c.Replicas {
			r.Kill()
		}
	})
	db, err := sqldb.Open(context.Background(), databaseURL)
	if err != nil {
		t.Fatalf("opening the shared database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return &World{Google: g, Proxy: p, Cluster: c, DB: db}
}

// LinkAdmin fills the directory, signs the admin in on r and links the
// directory, which starts its sync.
func (w *World) LinkAdmin(t testing.TB, r *Replica) {
	t.Helper()
	w.Google.FillDirectory()
	w.Admin = SignIn(t, r, w.Google.Admin)
	w.Admin.Link(t, r, "invite")
}

// LinkMembers links members from ≤ i < to, several at once. Member i
// signs in on the first replica route(i) returns, links calendars on the
// second, recordings on the first and every calendar on the second, as a
// load balancer may send one person's requests to both replicas.
func (w *World) LinkMembers(t testing.TB, from, to int, route func(i int) (a, b *Replica)) {
	t.Helper()
	linked := make([]*Person, to-from)
	inParallel(t, to-from, func(t testing.TB, k int) {
		a, b := route(from + k)
		p := SignIn(t, a, w.Google.Members[from+k])
		p.Link(t, b, "calendars")
		p.Link(t, a, "recordings")
		p.LinkAllCalendars(t, b)
		linked[k] = p
	})
	w.Members = append(w.Members, linked...)
}

// Flows counts the OAuth flows every person completed.
func (w *World) Flows() int {
	n := 0
	for _, p := range append([]*Person{w.Admin}, w.Members...) {
		if p != nil {
			n += p.Flows
		}
	}
	return n
}

// busyStates are the states of a job that has yet to end.
var busyStates = []string{"available", "running", "retryable", "scheduled", "pending"}

// Settle waits until no job is waiting or running, for at most bound, and
// returns the jobs as they are then.
func (w *World) Settle(ctx context.Context, bound time.Duration) ([]Job, error) {
	deadline := time.Now().Add(bound)
	for {
		jobs, err := Jobs(ctx, w.DB)
		if err != nil {
			return nil, err
		}
		busy := slices.ContainsFunc(jobs, func(j Job) bool { return slices.Contains(busyStates, j.State) })
		if !busy || time.Now().After(deadline) {
			return jobs, nil
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Synced reads what the cluster synced.
func (w *World) Synced(ctx context.Context) (Synced, error) { return ReadSynced(ctx, w.DB) }

// Figures are the numbers a run prints.
type Figures struct {
	// Requests is how many requests Google served; Faults how many the
	// network broke; Entries how many entries the trail holds.
	Requests, Faults, Entries int
	// FaultsByKind counts the faults of each kind.
	FaultsByKind map[Fault]int
	// Recovery is how long after the kill the killed replica served again
	// and every job it was running had been taken up again or had ended;
	// Recovered is false when that had not happened when the wait ended.
	Recovery  time.Duration
	Recovered bool
}

// String prints the figures as one line.
func (f Figures) String() string {
	recovered := fmt.Sprintf("recovered %s after the kill", f.Recovery.Round(time.Millisecond))
	if !f.Recovered {
		recovered = fmt.Sprintf("not recovered %s after the kill", f.Recovery.Round(time.Second))
	}
	var kinds []string
	for _, k := range []Fault{FaultTooMany, FaultUnavailable, FaultCut, FaultReset, FaultHang} {
		kinds = append(kinds, fmt.Sprintf("%s: %d", k, f.FaultsByKind[k]))
	}
	return fmt.Sprintf("replicas: %d requests served by Google, %d faults injected (%s), %d audit entries, %s",
		f.Requests, f.Faults, strings.Join(kinds, ", "), f.Entries, recovered)
}
