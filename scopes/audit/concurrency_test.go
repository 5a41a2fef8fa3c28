package audit

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// databaseURLs name a fresh database of each kind, so that a test can open
// several handles on it, or hand it to another process.
var databaseURLs = []struct {
	name string
	url  func(testing.TB) string
}{
	{"sqlite", func(t testing.TB) string { return t.TempDir() + "/trail.db" }},
	{"postgres", sqldbtest.PostgresURL},
}

// openURL opens and migrates a database handle, closed when the test ends.
func openURL(t testing.TB, url string) *sqldb.DB {
	t.Helper()
	db, err := sqldb.Open(context.Background(), url)
	if err != nil {
		t.Fatalf("sqldb.Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return db
}

// appendMany appends n entries from each of g goroutines.
func appendMany(t testing.TB, tr *Trail, g, n int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, g)
	for w := range g {
		wg.Go(func() {
			for i := range n {
				if _, err := tr.Append(context.Background(), sample(w*n+i)); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("Append: %v", err)
	}
}

// TestConcurrentAppends appends from many goroutines through two trails on
// two handles of one database, as two replicas would.
func TestConcurrentAppends(t *testing.T) {
	t.Parallel()
	for _, b := range databaseURLs {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			url := b.url(t)
			one, two := newTrail(openURL(t, url)), newTrail(openURL(t, url))
			var wg sync.WaitGroup
			for _, tr := range []*Trail{one, two} {
				wg.Go(func() { appendMany(t, tr, 8, 20) })
			}
			wg.Wait()
			checkChain(t, one, 320)
		})
	}
}

// childEnv names the database a child test process appends to.
const childEnv = "SCOPETRAIL_AUDIT_CHILD_DB"

// TestTwoProcesses appends from two child processes and this one, all at
// once, to one database.
func TestTwoProcesses(t *testing.T) {
	t.Parallel()
	if os.Getenv(childEnv) != "" {
		t.Skip("in a child process")
	}
	for _, b := range databaseURLs {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			url := b.url(t)
			tr := newTrail(openURL(t, url))
			var wg sync.WaitGroup
			for i := range 2 {
				wg.Go(func() {
					cmd := exec.Command(os.Args[0], "-test.run=^TestChildProcess$", "-test.count=1")
					cmd.Env = append(os.Environ(), childEnv+"="+url, "SCOPETRAIL_AUDIT_CHILD_REPLICA=child"+strconv.Itoa(i))
					if out, err := cmd.CombinedOutput(); err != nil {
						t.Errorf("child process: %v\n%s", err, out)
					}
				})
			}
			appendMany(t, tr, 4, 25)
			wg.Wait()
			checkChain(t, tr, 300)
		})
	}
}

// TestChildProcess is the body of the child processes of TestTwoProcesses.
func TestChildProcess(t *testing.T) {
	url := os.Getenv(childEnv)
	if url == "" {
		t.Skip("run by TestTwoProcesses")
	}
	db, err := sqldb.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tr := New(db, Options{Replica: os.Getenv("SCOPETRAIL_AUDIT_CHILD_REPLICA"), Signer: testKey(), CheckpointEvery: 5})
	appendMany(t, tr, 4, 25)
}

// checkChain verifies the trail and checks that it holds n entries.
func checkChain(t *testing.T, tr *Trail, n int64) {
	t.Helper()
	rep, err := tr.Verify(context.Background(), tr.PublicKey())
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if !rep.OK() || rep.VerifiedUpTo != n || rep.Entries != n {
		t.Fatalf("Verify = %+v, first bad %v; want %d intact entries", rep, rep.FirstBad, n)
	}
	if want := fmt.Sprint(n - n%5); rep.Checkpoint == nil || fmt.Sprint(rep.Checkpoint.Seq) != want {
		t.Fatalf("latest checkpoint %+v, want one at %s", rep.Checkpoint, want)
	}
}
