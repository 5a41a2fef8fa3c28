package googlehttp_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/connector/connectortest"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/connector/tokens"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// replicaEnv hands a child process of TestRefreshIsSingleFlightAcrossProcesses
// its replicaConfig, as JSON.
const replicaEnv = "SCOPETRAIL_REFRESH_REPLICA_CHILD"

type replicaConfig struct {
	Replica, DB, TokenKeys, User string
	URLs                         googletest.URLs
	Callers                      int
}

// TestRefreshIsSingleFlightAcrossProcesses runs two replicas as two
// processes on one PostgreSQL database, each with its own door and
// connection pool. Round after round the parent expires the user's access
// token and both children make requests for the user at once, against a
// fake that rotates refresh tokens and takes a reused one for theft: each
// expiry costs one refresh, and the user is never revoked.
func TestRefreshIsSingleFlightAcrossProcesses(t *testing.T) {
	t.Parallel()
	if os.Getenv(replicaEnv) != "" {
		t.Skip("in a child process")
	}
	const rounds = 5
	url := sqldbtest.PostgresURL(t)
	r := newReplicas(t, url, true)
	exchanges := r.refreshes()

	var children []*replicaChild
	for _, name := range []string{"a", "b"} {
		children = append(children, startReplicaChild(t, replicaConfig{Replica: name, DB: url, TokenKeys: r.tokenKeys, User: r.userID,
			URLs: r.google.URLs, Callers: 3}))
	}
	for round := range rounds {
		r.expireAt(t, time.Now())
		var wg sync.WaitGroup
		for _, c := range children {
			wg.Go(func() { c.round(t, round) })
		}
		wg.Wait()
		if t.Failed() {
			break
		}
		if got := r.refreshes() - exchanges; got != round+1 {
			t.Fatalf("after %d expiries %d refreshes reached the fake, want one per expiry", round+1, got)
		}
	}
	if n := r.google.Fake.RefreshTokenReuses(); n != 0 {
		t.Errorf("the fake saw %d reused refresh tokens", n)
	}
	g, err := r.envs[0].Grants.Get(context.Background(), r.userID)
	if err != nil || g.Status != grant.StatusActive {
		t.Errorf("after concurrent refreshes in two processes the grant is %q (%v), want active", g.Status, err)
	}
}

// replicaChild is a child process running TestRefreshReplicaProcess.
type replicaChild struct {
	name string
	in   io.Writer
	out  *bufio.Scanner
}

func startReplicaChild(t *testing.T, c replicaConfig) *replicaChild {
	t.Helper()
	cfg, _ := json.Marshal(c)
	cmd := exec.Command(os.Args[0], "-test.run=^TestRefreshReplicaProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), replicaEnv+"="+string(cfg))
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		in.Close()
		cmd.Wait()
	})
	return &replicaChild{name: c.Replica, in: in, out: bufio.NewScanner(out)}
}

// round asks the child to make its requests, and waits for its answer.
func (c *replicaChild) round(t *testing.T, n int) {
	fmt.Fprintln(c.in, "go")
	for c.out.Scan() {
		line := c.out.Text()
		if msg, ok := strings.CutPrefix(line, "replica: "); ok {
			if msg != "ok" {
				t.Errorf("round %d, replica %s: %s", n, c.name, msg)
			}
			return
		}
	}
	t.Errorf("round %d: replica %s ended: %v", n, c.name, c.out.Err())
}

// TestRefreshReplicaProcess is a replica that
// TestRefreshIsSingleFlightAcrossProcesses runs: for each line on its
// standard input it lists Drive files for the user from several goroutines
// at once, and prints "replica: ok" or the first error.
func TestRefreshReplicaProcess(t *testing.T) {
	raw := os.Getenv(replicaEnv)
	if raw == "" {
		t.Skip("run by TestRefreshIsSingleFlightAcrossProcesses")
	}
	var c replicaConfig
	if err := json.Unmarshal([]byte(raw), &c); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := sqldb.Open(ctx, c.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	kr, err := tokens.ParseKeyring(c.TokenKeys)
	if err != nil {
		t.Fatal(err)
	}
	d, err := googlehttp.New(googlehttp.Options{
		Bases: connectortest.Bases(c.URLs),
		OAuth2: &oauth2.Config{ClientID: connectortest.ClientID, ClientSecret: connectortest.ClientSecret,
			Endpoint: oauth2.Endpoint{TokenURL: c.URLs.TokenURL, AuthStyle: oauth2.AuthStyleInParams}},
		Grants: grant.NewStore(db, nil), Tokens: tokens.NewStore(db, kr, nil), Trail: audit.New(db, audit.Options{Replica: c.Replica}),
	})
	if err != nil {
		t.Fatal(err)
	}
	s := newServices(t, c.URLs, d, c.User)
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		errs := make(chan error, c.Callers)
		for range c.Callers {
			go func() {
				_, err := s.drive.Files.List().Context(recordings).Do()
				errs <- err
			}()
		}
		msg := "ok"
		for range c.Callers {
			if err := <-errs; err != nil && msg == "ok" {
				msg = fmt.Sprintf("files.list: %v (%s)", err, googlehttp.Classify(err).Code)
			}
		}
		fmt.Println("replica: " + msg)
	}
}
