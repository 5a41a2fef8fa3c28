package googlehttp_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"os"
	"os/exec"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/connector/connectortest"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// crashEnv hands the child process of TestCrashLeavesUnknownOutcomes what
// it needs, as JSON.
const crashEnv = "SCOPETRAIL_DOOR_CRASH_CHILD"

// crashSigner signs the child's checkpoints.
var crashSigner = ed25519.NewKeyFromSeed([]byte("scopetrail-door-crash-test-seed!"))

type crashConfig struct {
	DB, User string
	Token    oauth2.Token
	URLs     googletest.URLs
}

// TestCrashLeavesUnknownOutcomes kills a process with SIGKILL while its
// requests are in flight through the door, and checks that every request
// the fake saw has its audit entry, that those cut short read "unknown",
// and that the chain is intact.
func TestCrashLeavesUnknownOutcomes(t *testing.T) {
	t.Parallel()
	if os.Getenv(crashEnv) != "" {
		t.Skip("in the child process")
	}
	h := newHarness(t)
	path := t.TempDir() + "/crash.db"
	db := openDB(t, path)
	h.Grants = grant.NewStore(db, nil)
	user := h.Authorize(t, h.People[0], allScopes...)
	tok, _ := h.Tokens.Load(context.Background(), user)
	cfg, _ := json.Marshal(crashConfig{DB: path, User: user, Token: *tok, URLs: h.URLs})

	cmd := exec.Command(os.Args[0], "-test.run=^TestDoorChildProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"="+string(cfg))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return len(h.APIRequests(user)) >= 6 })
	h.Fake.AddFault(googletest.Fault{Kind: googletest.FaultLatency, Delay: 10 * time.Second})
	time.Sleep(300 * time.Millisecond)
	cmd.Process.Kill()
	cmd.Wait()
	h.Fake.ClearFaults()

	trail := audit.New(db, audit.Options{})
	ctx := context.Background()
	var begun, unknown int
	for e, err := range trail.Entries(ctx, audit.Filter{UserID: user, Event: audit.EventActivity}) {
		if err != nil {
			t.Fatal(err)
		}
		begun++
		if e.Outcome == audit.OutcomeUnknown {
			unknown++
		}
	}
	var served, cut int
	waitFor(t, func() bool {
		served, cut = 0, 0
		for _, r := range h.APIRequests("") {
			served++
			if r.Status == 0 {
				cut++
			}
		}
		return cut > 0
	})
	if begun < served || unknown < cut || unknown == 0 {
		t.Errorf("the fake served %d requests (%d cut short); the trail has %d requests, %d with outcome unknown", served, cut, begun, unknown)
	}
	rep, err := trail.Verify(ctx, crashSigner.Public().(ed25519.PublicKey))
	if err != nil || !rep.OK() || rep.Checkpoint == nil {
		t.Fatalf("Verify after the crash = %+v, %v; first bad %v", rep, err, rep.FirstBad)
	}
	t.Logf("served %d (%d cut short), audited %d (%d unknown)", served, cut, begun, unknown)
}

// TestDoorChildProcess is the process TestCrashLeavesUnknownOutcomes kills:
// it lists Drive files through the door from four goroutines, forever.
func TestDoorChildProcess(t *testing.T) {
	raw := os.Getenv(crashEnv)
	if raw == "" {
		t.Skip("run by TestCrashLeavesUnknownOutcomes")
	}
	var c crashConfig
	if err := json.Unmarshal([]byte(raw), &c); err != nil {
		t.Fatal(err)
	}
	db, err := sqldb.Open(context.Background(), c.DB)
	if err != nil {
		t.Fatal(err)
	}
	tokens := connectortest.NewMemTokens()
	if err := tokens.Save(context.Background(), c.User, &c.Token); err != nil {
		t.Fatal(err)
	}
	d, err := googlehttp.New(googlehttp.Options{
		Bases:  connectortest.Bases(c.URLs),
		OAuth2: &oauth2.Config{ClientID: connectortest.ClientID, ClientSecret: connectortest.ClientSecret, Endpoint: oauth2.Endpoint{TokenURL: c.URLs.TokenURL}},
		Grants: grant.NewStore(db, nil), Tokens: tokens, Trail: audit.New(db, audit.Options{Replica: "child", Signer: crashSigner, CheckpointEvery: 4}),
	})
	if err != nil {
		t.Fatal(err)
	}
	s := newServices(t, c.URLs, d, c.User)
	for range 4 {
		go func() {
			for {
				s.drive.Files.List().Context(connectortest.Ctx(scopes.PurposeRecordings)).Do()
			}
		}()
	}
	select {}
}

func openDB(t testing.TB, path string) *sqldb.DB {
	t.Helper()
	db, err := sqldb.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// waitFor polls cond for up to 10 seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("timed out waiting")
}
