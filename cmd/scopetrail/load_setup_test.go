package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/identity"
)

// loadPerson is one person of the load benchmark's workspace.
type loadPerson struct {
	Email      string `json:"email"`
	GivenName  string `json:"givenName"`
	FamilyName string `json:"familyName"`
}

// writeLoadWorkspace writes a workspace of n people, as JSON, where the
// demo looks for its workspace (demoWorkspaceFile) under dir, and returns
// its people.
func writeLoadWorkspace(b *testing.B, dir string, n int) []loadPerson {
	b.Helper()
	given := []string{"Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Leslie", "Margaret", "John"}
	family := []string{"Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Perlman", "Lamport", "Hamilton", "Backus"}
	people := make([]loadPerson, n)
	for i := range people {
		people[i] = loadPerson{Email: fmt.Sprintf("person%05d@acme.test", i), GivenName: given[i%len(given)],
			FamilyName: family[i/len(given)%len(family)] + strconv.Itoa(i)}
	}
	doc, err := json.Marshal(map[string]any{"domain": "acme.test", "people": people})
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, demoWorkspaceFile)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path, doc, 0o644); err != nil {
		b.Fatal(err)
	}
	return people
}

// signInAdmin signs email in, an admin by ADMIN_EMAILS, in a fresh
// browser, and lets ScopeTrail read the directory.
func signInAdmin(b *testing.B, base, email string) *browser.Browser {
	b.Helper()
	br := browser.New(b)
	dash := br.Consent(br.Submit(br.Get(base+"/"), `form[action="/auth/signin"]`, nil), browser.Answer{Account: email})
	if dash.StatusCode != http.StatusOK || dash.Request.URL.Path != "/dashboard" {
		b.Fatalf("signing in %s: %d %s:\n%s", email, dash.StatusCode, dash.Request.URL, dash.Content)
	}
	back := br.Consent(br.Submit(dash, `form[action="/link/invite"]`, nil), browser.Answer{Account: email})
	if back.Request.URL.Path != "/dashboard" {
		b.Fatalf("linking the directory for %s: %d %s:\n%s", email, back.StatusCode, back.Request.URL, back.Content)
	}
	return br
}

// seedTrail appends n entries to the trail of the database at url, through
// the trail's own append path: pairs of a begin entry and its outcome, as
// the door writes them, for the users in turn, from 256 goroutines whose
// appends share transactions. It makes no count checkpoints on the way but
// one, of the whole trail, at the end, signed with seed, the app's
// AUDIT_SIGNING_KEY, so that the app's next checkpoint covers only its own
// entries, as after a trail grown in production.
func seedTrail(b *testing.B, url, seed string, n int) {
	b.Helper()
	ctx := context.Background()
	db, err := openDatabase(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	key, err := audit.ParseSeed(seed)
	if err != nil {
		b.Fatal(err)
	}
	users, err := identity.NewStore(db, nil).Users(ctx)
	if err != nil || len(users) == 0 {
		b.Fatalf("reading the users to seed the trail for: %d, %v", len(users), err)
	}
	trail := audit.New(db, audit.Options{Replica: "seed", Signer: key, CheckpointEvery: -1})
	const writers = 256
	next := make(chan int)
	errs := make(chan error, writers)
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for i := range next {
				if err := seedCall(ctx, trail, users[i%len(users)], i); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	go func() {
		defer close(next)
		for i := 0; i < n/2; i++ {
			select {
			case next <- i:
			case err := <-errs:
				errs <- err
				return
			}
		}
	}()
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatalf("seeding the trail: %v", err)
	}
	if _, err := trail.Checkpoint(ctx); err != nil {
		b.Fatalf("checkpointing the seeded trail: %v", err)
	}
}

// seedCall writes the two entries of one listDirectoryPeople call by u.
func seedCall(ctx context.Context, trail *audit.Trail, u identity.User, i int) error {
	begin, err := trail.Begin(ctx, audit.Entry{ActorID: u.ID, ActorEmail: u.Email, ClientID: demoClientID,
		Event: audit.EventActivity, APIName: "people", MethodName: "people.people.listDirectoryPeople",
		Scope: scopes.DirectoryReadonly, Purpose: string(scopes.PurposeInvite), Resource: "pageToken=" + strconv.Itoa(i%100),
		RequestID: "seed-" + strconv.Itoa(i)})
	if err != nil {
		return fmt.Errorf("begin %d: %w", i, err)
	}
	if _, err := trail.Complete(ctx, begin, audit.Result{Outcome: audit.OutcomeOK, HTTPStatus: http.StatusOK, NumResponseBytes: 4096, Items: 100}); err != nil {
		return fmt.Errorf("complete %d: %w", i, err)
	}
	return nil
}
