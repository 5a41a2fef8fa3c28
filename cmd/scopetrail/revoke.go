package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os/user"
	"slices"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/revoke"
	"github.com/scopetrail/scopetrail/connector/tokens"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/web"
)

var _ web.Revocations = (*revoke.Service)(nil)

// revokeRetryEvery is how often serve completes the revocations not
// completed yet.
const revokeRetryEvery = time.Minute

// errRevokePending is what `scopetrail revoke` returns, so that it exits
// non-zero, when the revocation holds locally but Google has not confirmed
// it yet: a running server keeps asking Google.
var errRevokePending = errors.New("the revocation at Google is pending; a running server keeps asking Google and deletes the token once it confirms")

// reasonCLI is the reason recorded for revocations made from the command
// line.
const reasonCLI = "revoked from the command line"

// revocations is the revocation service as newApp wires it. The door only
// marks the grants Google reports revoked; the service's retry loop
// completes those revocations.
type revocations struct {
	// retryEvery, when positive, makes build start completing unfinished
	// revocations in the background until ctx ends.
	retryEvery time.Duration
	// noGoogle leaves every revocation at Google to a server: the demo's
	// Google runs inside `scopetrail serve`, out of the CLI's reach.
	noGoogle bool
	svc      *revoke.Service
}

// revokeStores are what the revocation service revokes in: the app's
// stores, its door to Google, and the stores of personal data to purge.
type revokeStores struct {
	db       *sqldb.DB
	users    *identity.Store
	tokens   *tokens.Store
	grants   *grant.Store
	trail    *audit.Trail
	door     *googlehttp.Door
	clientID string
	log      *slog.Logger
	purgers  []revoke.Purger
}

// build builds the service and keeps it.
func (r *revocations) build(ctx context.Context, s revokeStores) (*revoke.Service, error) {
	o := revoke.Options{DB: s.db, Grants: s.grants, Tokens: s.tokens, Users: s.users, Trail: s.trail, Google: s.door,
		Purgers: s.purgers, ClientID: s.clientID, Logger: s.log}
	if r.noGoogle {
		o.Google = nil
	}
	svc, err := revoke.New(o)
	if err != nil {
		return nil, err // revoke.New names itself
	}
	r.svc = svc
	if r.retryEvery > 0 {
		go svc.Run(ctx, r.retryEvery)
	}
	return svc, nil
}

// runRevoke is `scopetrail revoke --user EMAIL [--reason TEXT]`. It fails
// (the command exits non-zero) while the revocation at Google is only
// pending, wrapping errRevokePending.
func runRevoke(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("revoke", flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("user", "", "the email of the user whose access to revoke (required)")
	reason := fs.String("reason", "", "why, kept in the audit trail; no personal details")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" || fs.NArg() > 0 {
		return errors.New("usage: scopetrail revoke --user EMAIL [--reason TEXT]")
	}
	why := reasonCLI
	if s := strings.TrimSpace(*reason); s != "" {
		why += ": " + s
	}
	return withRevocations(ctx, stderr, func(svc *revoke.Service, users *identity.Store, by revoke.Actor) error {
		u, err := findByEmail(ctx, users, *email)
		if err != nil {
			return err
		}
		rep, err := svc.Revoke(ctx, u.ID, by, why)
		if rep.Google != "" {
			printReport(stdout, u, rep)
		}
		if err == nil && rep.Google == revoke.GooglePending {
			return fmt.Errorf("%w (%s)", errRevokePending, rep.GoogleError)
		}
		return err
	})
}

// runScopeChange is `scopetrail suspend|resume --user EMAIL --scope SCOPE`.
func runScopeChange(ctx context.Context, verb string, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet(verb, flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("user", "", "the email of the user (required)")
	scope := fs.String("scope", "", "the scope, such as drive.readonly (required)")
	reason := fs.String("reason", "", "why, for the audit trail")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" || *scope == "" || fs.NArg() > 0 {
		return fmt.Errorf("usage: scopetrail %s --user EMAIL --scope SCOPE", verb)
	}
	if _, err := revoke.LookupScope(*scope); err != nil {
		return fmt.Errorf("%w; choose one of %s", err, strings.Join(suspendableNames(), ", "))
	}
	return withRevocations(ctx, stderr, func(svc *revoke.Service, users *identity.Store, by revoke.Actor) error {
		u, err := findByEmail(ctx, users, *email)
		if err != nil {
			return err
		}
		change := svc.Suspend
		if verb == "resume" {
			change = svc.Resume
		}
		if err := change(ctx, u.ID, *scope, by, *reason); err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "%sed %s for %s\n", strings.TrimSuffix(verb, "e"), *scope, u.Email)
		return err
	})
}

// withRevocations builds only what revoking needs (the database, the
// stores, the trail, the door, the features' stores to purge and the
// revocation service; no job runner, no web server) and runs fn with the
// service, the users, and the actor to record.
func withRevocations(ctx context.Context, stderr io.Writer,
	fn func(svc *revoke.Service, users *identity.Store, by revoke.Actor) error) error {
	cfg, k, db, err := openConfigured(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	log := newLogger(cfg.Log, stderr)
	oauth, bases, baseURL := commandGoogle(cfg)
	// The demo's fake Google lives in the serve process, out of reach.
	rv := &revocations{noGoogle: cfg.DemoMode()}
	o := appOptions{db: db, keys: k, oauth: oauth, bases: bases, timeouts: cfg.Google.Timeouts, secure: true, replica: cfg.Server.replica(), log: log,
		baseURL: baseURL, mail: cfg.Mail, spoolDir: cfg.Recordings.SpoolDir, transcribe: cfg.Transcribe, revoke: rv}
	c, err := newCore(ctx, o)
	if err != nil {
		return err
	}
	f, err := newFeatures(o, c, nil)
	if err != nil {
		return err
	}
	svc, err := buildRevoker(ctx, o, c, f)
	if err != nil {
		return err
	}
	return fn(svc, c.users, cliActor())
}

// findByEmail returns the user with an email address.
func findByEmail(ctx context.Context, users *identity.Store, email string) (identity.User, error) {
	u, err := users.UserByEmail(ctx, email)
	if errors.Is(err, identity.ErrNotFound) {
		return u, fmt.Errorf("no user has the email %q; users exist once they have signed in", email)
	}
	return u, err
}

// cliActor names the person at the terminal in audit entries.
func cliActor() revoke.Actor {
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	return revoke.Actor{ID: "cli:" + name}
}

// suspendableNames returns the short names of the scopes that can be
// suspended.
func suspendableNames() []string {
	var out []string
	for _, s := range scopes.All() {
		if revoke.Suspendable(s) {
			out = append(out, s.Short)
		}
	}
	return out
}

// printReport says what a revocation did.
func printReport(w io.Writer, u identity.User, r revoke.Report) {
	fmt.Fprintf(w, "revoked the access of %s (%s)\n", u.Email, u.ID)
	switch {
	case r.WasRevoked:
		fmt.Fprintln(w, "  grant:    was already revoked")
	case r.HadGrant:
		fmt.Fprintln(w, "  grant:    revoked; no request for this user leaves any replica")
	default:
		fmt.Fprintln(w, "  grant:    none: the user never granted a Google scope")
	}
	switch r.Google {
	case revoke.GoogleRevoked:
		fmt.Fprintln(w, "  Google:   revoked; tokens deleted")
	case revoke.GoogleNoToken:
		fmt.Fprintln(w, "  Google:   no token held, nothing to revoke")
	default:
		fmt.Fprintf(w, "  Google:   pending (%s); a running server retries and deletes the token once Google confirms\n", r.GoogleError)
	}
	fmt.Fprintf(w, "  sessions: %d ended\n", r.SessionsEnded)
	var parts []string
	for _, name := range slices.Sorted(maps.Keys(r.Purged)) {
		parts = append(parts, fmt.Sprintf("%s %d", name, r.Purged[name]))
	}
	fmt.Fprintf(w, "  purged:   %d rows (%s)\n", r.PurgedRows, strings.Join(parts, ", "))
}
