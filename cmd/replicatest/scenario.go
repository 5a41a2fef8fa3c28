package replicatest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/googletest"
)

// Options shape a run.
type Options struct {
	Workspace WorkspaceOptions
	// Revoke members are revoked on one replica, and Suspend others lose
	// drive.readonly on the other.
	Revoke, Suspend int
	// FaultRate of the requests the network may break are broken, for
	// FaultFor from the start of the run; Hang is how long a hang lasts.
	FaultRate float64
	FaultFor  time.Duration
	Hang      time.Duration
	// DownloadRate slows each download to this many bytes per second, so
	// that the kill finds downloads running.
	DownloadRate int64
	// TokenLife is the lifetime the replicas are told access tokens have,
	// so that they refresh during the run.
	TokenLife time.Duration
	// Recover bounds how long after the kill the jobs the killed replica
	// ran may take to be taken up again: the issue asks for a minute.
	Recover time.Duration
	// Settle bounds how long the jobs may take to end after the faults.
	Settle time.Duration
	// RescueAfter is the replicas' JOBS_RESCUE_AFTER: how soon the jobs of
	// the killed replica are taken up again. HeaderTimeout is their
	// GOOGLE_HEADER_TIMEOUT, shorter than Hang so that hangs time out.
	RescueAfter, HeaderTimeout time.Duration
}

// env is the configuration o gives the replicas.
func (o Options) env() map[string]string {
	env := map[string]string{}
	if o.RescueAfter > 0 {
		env["JOBS_RESCUE_AFTER"] = o.RescueAfter.String()
	}
	if o.HeaderTimeout > 0 {
		env["GOOGLE_HEADER_TIMEOUT"] = o.HeaderTimeout.String()
	}
	return env
}

// faultFree is o without faults, throttling or short tokens.
func (o Options) faultFree() Options {
	o.FaultRate, o.DownloadRate, o.TokenLife = 0, 0, 0
	return o
}

// Baseline links every member on one replica behind a network without
// faults, waits for the jobs to end, and returns what was synced: the data
// a faulty run must end with.
func Baseline(t testing.TB, bin, databaseURL string, o Options) Synced {
	t.Helper()
	ctx := context.Background()
	w := NewWorld(t, bin, databaseURL, o.faultFree(), 1)
	if err := w.Cluster.Start(); err != nil {
		t.Fatal(err)
	}
	r := w.Cluster.Replicas[0]
	start := time.Now()
	w.LinkMembers(t, 0, len(w.Google.Members), func(int) (*Replica, *Replica) { return r, r })
	w.LinkAdmin(t, r)
	t.Logf("baseline: %d people linked in %s", len(w.Members)+1, time.Since(start).Round(time.Millisecond))
	jobs, err := w.Settle(ctx, o.Settle)
	t.Logf("baseline: jobs ended %s after the start", time.Since(start).Round(time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if busy := busyJobs(jobs); len(busy) > 0 {
		t.Fatalf("baseline: %d jobs still busy after %s without faults: %v\n%s", len(busy), o.Settle, busy, r.LogTail(20))
	}
	s, err := w.Synced(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Stop(30 * time.Second); err != nil {
		t.Error(err)
	}
	return s
}

// Window is when an admin's change to a user began and when the page that
// made it answered.
type Window struct{ Began, Done time.Time }

// Outcome is everything a faulty run leaves for the checks.
type Outcome struct {
	Options Options
	Members []string
	Synced  Synced
	Trail   *Trail
	// Served is Google's request log.
	Served []googletest.RequestRecord
	Jobs   []Job
	// Grants are the grant statuses by email.
	Grants map[string]string
	// Revoked and Suspended are the users changed by an admin.
	Revoked, Suspended map[string]Window
	// Flows counts the OAuth flows, each one code exchange.
	Flows int
	// KilledAmid are the jobs running when the replica was killed; Stuck
	// those of them still running, never taken up again, Recover later.
	KilledAmid, Stuck []Job
	// Spool lists the downloads the shared spool does not hold intact.
	Spool []string
	// Verify lists the failures of `scopetrail audit verify`; Stops those
	// of the replicas' graceful shutdown.
	Verify, Stops []string
	Figures       Figures
}

// Chaos runs two replicas while the network breaks requests: the admin and
// a third of the members link; one replica is killed with SIGKILL amid
// downloads and syncs and restarted while the rest link through the
// other; then members are revoked on one replica and lose drive.readonly
// on the other. It waits for the killed replica's jobs to be taken up
// again and for every job to end, and returns what the run left.
func Chaos(t testing.TB, bin, databaseURL string, o Options) *Outcome {
	t.Helper()
	ctx := context.Background()
	w := NewWorld(t, bin, databaseURL, o, 2)
	if err := w.Cluster.Start(); err != nil {
		t.Fatal(err)
	}
	a, b := w.Cluster.Replicas[0], w.Cluster.Replicas[1]
	out := &Outcome{Options: o, Members: w.Google.Members, Revoked: map[string]Window{}, Suspended: map[string]Window{}}
	start := time.Now()
	w.Proxy.SetFaultRate(o.FaultRate)

	first := len(w.Google.Members) / 3
	w.LinkMembers(t, 0, first, func(i int) (*Replica, *Replica) {
		if i%2 == 0 {
			return a, b
		}
		return b, a
	})
	w.LinkAdmin(t, b)
	t.Logf("chaos: %d people linked, the replicas have jobs running, %s after the start", len(w.Members)+1, time.Since(start).Round(time.Millisecond))
	// More members link through a while the kill waits, so that downloads
	// and syncs keep coming for b to be killed amid, however soon the first
	// members' work ended.
	second := 2 * first
	linkedMore := inBackground(t, func(t testing.TB) {
		w.LinkMembers(t, first, second, func(int) (*Replica, *Replica) { return a, a })
	})
	out.KilledAmid = w.waitForWork(ctx, t)
	killed := time.Now()
	b.Kill()
	restarted := make(chan error, 1)
	go func() { restarted <- b.Start() }()
	// The recovery is timed while the others link, as it happens.
	recovered := make(chan error, 1)
	go func() {
		var err error
		out.Figures.Recovery, out.Stuck, err = w.recover(ctx, b, out.KilledAmid, killed, o.Recover)
		t.Logf("chaos: recovered %s after the start", time.Since(start).Round(time.Millisecond))
		recovered <- err
	}()
	linkedMore()
	w.LinkMembers(t, second, len(w.Google.Members), func(int) (*Replica, *Replica) { return a, a })
	if err := <-restarted; err != nil {
		t.Fatal(err)
	}
	t.Logf("chaos: all linked %s after the start", time.Since(start).Round(time.Millisecond))
	if err := <-recovered; err != nil {
		t.Fatal(err)
	}
	out.Figures.Recovered = len(out.Stuck) == 0

	ids, err := UserIDs(ctx, w.DB)
	if err != nil {
		t.Fatal(err)
	}
	changed := w.Google.Members[first:]
	for _, email := range changed[:o.Revoke] {
		began := time.Now()
		w.Admin.Revoke(t, a, ids[email])
		out.Revoked[email] = Window{began, time.Now()}
	}
	for _, email := range changed[o.Revoke : o.Revoke+o.Suspend] {
		began := time.Now()
		w.Admin.SuspendDrive(t, b, ids[email])
		out.Suspended[email] = Window{began, time.Now()}
	}

	time.Sleep(time.Until(start.Add(o.FaultFor)))
	w.Proxy.SetFaultRate(0)
	t.Logf("chaos: revoked and suspended, faults off %s after the start", time.Since(start).Round(time.Millisecond))
	if out.Jobs, err = w.Settle(ctx, o.Settle); err != nil {
		t.Fatal(err)
	}
	t.Logf("chaos: jobs ended %s after the start", time.Since(start).Round(time.Millisecond))
	w.collect(ctx, t, out)
	return out
}

// waitForWork waits, for up to thirty seconds, until a download and a sync
// are running, and returns the running jobs. When none are, the run does
// not test what it claims: the test fails.
func (w *World) waitForWork(ctx context.Context, t testing.TB) []Job {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		jobs, err := Jobs(ctx, w.DB)
		if err != nil {
			t.Fatal(err)
		}
		var running []Job
		download, sync := false, false
		for _, j := range jobs {
			if j.State == "running" {
				running = append(running, j)
				download = download || j.Kind == "recording_download"
				sync = sync || slices.Contains([]string{"calendar_sync", "recordings_sync", "directory_sync"}, j.Kind)
			}
		}
		if download && sync {
			return running
		}
		if time.Now().After(deadline) {
			t.Errorf("scenario: no download and sync were running together to kill amid; running: %v", running)
			return running
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// recover waits until r serves again and every job of amid has ended or
// been taken up again since killed, for at most bound. It returns how long
// after the kill that was, and the jobs still stuck at bound; an error
// when the jobs cannot be read, or r did not serve again within bound.
func (w *World) recover(ctx context.Context, r *Replica, amid []Job, killed time.Time, bound time.Duration) (time.Duration, []Job, error) {
	rctx, cancel := context.WithDeadline(ctx, killed.Add(bound))
	defer cancel()
	if err := r.Ready(rctx); err != nil {
		return time.Since(killed), nil, err
	}
	for {
		jobs, err := Jobs(ctx, w.DB)
		if err != nil {
			return time.Since(killed), nil, err
		}
		var stuck []Job
		for _, j := range jobs {
			if slices.ContainsFunc(amid, func(k Job) bool { return k.ID == j.ID }) && j.State == "running" && !j.AttemptedAt.After(killed) {
				stuck = append(stuck, j)
			}
		}
		if len(stuck) == 0 || rctx.Err() != nil {
			return time.Since(killed), stuck, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// collect reads what the run left, after the jobs ended: it verifies the
// trail while the replicas still append to it, as a reviewer may, then
// stops them and reads the rest.
func (w *World) collect(ctx context.Context, t testing.TB, out *Outcome) {
	t.Helper()
	if _, err := w.Cluster.Command("audit", "verify"); err != nil {
		out.Verify = append(out.Verify, fmt.Sprintf("while the replicas serve: %v", err))
	}
	for _, r := range w.Cluster.Replicas {
		if err := r.Stop(30 * time.Second); err != nil {
			out.Stops = append(out.Stops, fmt.Sprintf("%v; the end of its log:\n%s", err, r.LogTail(10)))
		}
	}
	var err error
	if out.Synced, err = w.Synced(ctx); err != nil {
		t.Fatal(err)
	}
	if out.Grants, err = GrantStatuses(ctx, w.DB); err != nil {
		t.Fatal(err)
	}
	ids, err := UserIDs(ctx, w.DB)
	if err != nil {
		t.Fatal(err)
	}
	emails := map[string]string{}
	for email, id := range ids {
		emails[id] = email
	}
	if out.Trail, err = ReadTrail(ctx, w.DB, emails); err != nil {
		t.Fatal(err)
	}
	if out.Spool, err = CheckSpool(ctx, w.DB, w.Cluster.Spool); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Cluster.Command("audit", "verify", "--witness", w.Cluster.Witness); err != nil {
		out.Verify = append(out.Verify, fmt.Sprintf("after the replicas stopped, with the witness file they share: %v", err))
	}
	out.Served, out.Flows = w.Google.Fake.Requests(), w.Flows()
	out.Figures.Requests, out.Figures.Entries = len(out.Served), out.Trail.Entries
	out.Figures.FaultsByKind = w.Proxy.Injected()
	for _, n := range out.Figures.FaultsByKind {
		out.Figures.Faults += n
	}
}

// busyJobs returns the jobs that have not ended.
func busyJobs(jobs []Job) []Job {
	var busy []Job
	for _, j := range jobs {
		if slices.Contains(busyStates, j.State) {
			busy = append(busy, j)
		}
	}
	return busy
}
