package replicatest

import (
	"os"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// small is the run CI makes: the 50 members and 10,000 people,
// faults for a short while. Jobs of a dead replica are taken up after 5s
// without heartbeats, and a 10s hang times out after 4s, so that the run
// recovers in seconds; the bounds are the and only bound polls.
func small(now time.Time) Options {
	return Options{
		Workspace: WorkspaceOptions{Members: 50, Directory: 10_000, MeetingsPerCalendar: 2, RecordingSize: 256 << 10, Seed: 12, Now: now},
		Revoke:    5, Suspend: 5,
		FaultRate: 0.2, FaultFor: 15 * time.Second, Hang: 10 * time.Second,
		DownloadRate: 512 << 10, TokenLife: 15 * time.Second,
		RescueAfter: 5 * time.Second, HeaderTimeout: 4 * time.Second,
		Recover: time.Minute, Settle: 2 * time.Minute,
	}
}

// large is the benchmark's run: more of everything, faults for a minute.
func large(now time.Time) Options {
	o := small(now)
	o.Workspace.Members, o.Workspace.Directory, o.Workspace.MeetingsPerCalendar = 200, 50_000, 6
	o.Revoke, o.Suspend = 20, 20
	o.FaultFor, o.Settle = time.Minute, 5*time.Minute
	return o
}

// TestTwoReplicas runs two replicas through a kill, faults, revocations
// and suspensions, and checks every invariant against a fault-free run of
// the same workspace. It needs PostgreSQL (TEST_POSTGRES_URL).
func TestTwoReplicas(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("a whole-system run; not with -short, except in CI")
	}
	baseURL, chaosURL := sqldbtest.PostgresURL(t), sqldbtest.PostgresURL(t)
	bin := Build(t)
	o := small(time.Now().Truncate(time.Hour))
	run(t, bin, baseURL, chaosURL, o)
}

// BenchmarkTwoReplicas is TestTwoReplicas with more members, a larger
// directory and a minute of faults. It reports the run's figures.
func BenchmarkTwoReplicas(b *testing.B) {
	bin := Build(b)
	o := large(time.Now().Truncate(time.Hour))
	for b.Loop() {
		f := run(b, bin, sqldbtest.PostgresURL(b), sqldbtest.PostgresURL(b), o)
		b.ReportMetric(float64(f.Requests), "requests/run")
		b.ReportMetric(float64(f.Faults), "faults/run")
		b.ReportMetric(float64(f.Entries), "entries/run")
		b.ReportMetric(f.Recovery.Seconds(), "recovery-s")
	}
}

// maxFailures is how many failures of one check are printed.
const maxFailures = 10

// run makes the fault-free run and the faulty one at the same time,
// reports each broken invariant, and prints the figures.
func run(t testing.TB, bin, baseURL, chaosURL string, o Options) Figures {
	t.Helper()
	var base Synced
	baseline := inBackground(t, func(t testing.TB) { base = Baseline(t, bin, baseURL, o) })
	out := Chaos(t, bin, chaosURL, o)
	baseline()
	t.Log(out.Figures)
	for _, c := range out.Checks(base) {
		for i, f := range c.Failures {
			if i == maxFailures {
				t.Errorf("%s: and %d more", c.Name, len(c.Failures)-i)
				break
			}
			t.Errorf("%s: %s", c.Name, f)
		}
	}
	return out.Figures
}
