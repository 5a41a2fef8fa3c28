package googletest

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

// Defaults of the fakegoogle command.
const (
	defaultAddr         = "127.0.0.1:8085"
	defaultClientID     = "scopetrail-dev.apps.googleusercontent.com"
	defaultClientSecret = "scopetrail-dev-secret"
	defaultGenerate     = "people=20,calendars=1,meetings=10,meet=0.5,recordings=0.3,transcripts=0.3,seed=1"
)

// defaultRedirectURIs are registered when no --redirect-uri is given: the
// app's callback on its default local addresses.
var defaultRedirectURIs = []string{"http://localhost:8080/auth/callback", "http://127.0.0.1:8080/auth/callback"}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// Run is the `scopetrail fakegoogle` command: it serves the fake on --addr
// with one registered client until ctx ends, and prints its endpoints to
// stdout once it is ready.
func Run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("fakegoogle", flag.ContinueOnError)
	fs.SetOutput(stdout)
	addr := fs.String("addr", defaultAddr, "`host:port` to listen on")
	file := fs.String("workspace", "", "serve the workspace in this JSON `file`")
	gen := fs.String("generate", "", "generate the workspace: `people=N,calendars=N,meetings=N,meet=0.5,recordings=0.3,"+
		"transcripts=0.3,seed=N,recording-size=BYTES,domain=NAME`; keys not given keep their defaults ("+defaultGenerate+")")
	clientID := fs.String("client-id", defaultClientID, "OAuth client `id` to register")
	secret := fs.String("client-secret", defaultClientSecret, "OAuth client `secret`")
	testingMode := fs.Bool("testing", false, "register the client in Testing status: refresh tokens expire after 7 days")
	var redirects stringList
	fs.Var(&redirects, "redirect-uri", "authorized redirect `URI` (repeatable; default "+strings.Join(defaultRedirectURIs, " and ")+")")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("fakegoogle: unexpected arguments %q", fs.Args())
	}
	if len(redirects) == 0 {
		redirects = defaultRedirectURIs
	}
	ws, err := openWorkspace(*file, *gen, time.Now())
	if err != nil {
		return fmt.Errorf("fakegoogle: %w", err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("fakegoogle: listening on %s: %w", *addr, err)
	}
	base := "http://" + ln.Addr().String()
	s, err := New(Options{Workspace: ws, Issuer: base})
	if err != nil {
		ln.Close()
		return fmt.Errorf("fakegoogle: %w", err)
	}
	client := Client{ID: *clientID, Secret: *secret, RedirectURIs: redirects, Name: "ScopeTrail", Testing: *testingMode}
	s.RegisterClient(client)
	done := s.serve(ln)
	printEndpoints(stdout, base, client, ws)
	select {
	case err := <-done:
		s.api.Close()
		return fmt.Errorf("fakegoogle: serving: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = s.httpServer.Shutdown(shutdownCtx)
	s.api.Close()
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("fakegoogle: shutting down: %w", err)
	}
	return nil
}

// openWorkspace loads the workspace file, or generates one from a spec laid
// over defaultGenerate.
func openWorkspace(file, gen string, now time.Time) (*workspace.Workspace, error) {
	if file != "" && gen != "" {
		return nil, errors.New("use either --workspace or --generate, not both")
	}
	if file != "" {
		return workspace.LoadFile(file)
	}
	// The keys given override the defaults; the others keep theirs.
	spec := defaultGenerate
	if gen != "" {
		spec += "," + gen
	}
	o, err := parseGenerate(spec, now)
	if err != nil {
		return nil, err
	}
	return workspace.Generate(o)
}

// printEndpoints tells the user where the fake is and how to use it.
func printEndpoints(w io.Writer, base string, c Client, ws *workspace.Workspace) {
	u := Endpoints(base)
	fmt.Fprintf(w, "fake Google listening on %s\n", base)
	for _, l := range [][2]string{
		{"issuer", u.Issuer}, {"auth", u.AuthURL}, {"token", u.TokenURL}, {"revoke", u.RevokeURL},
		{"userinfo", u.UserinfoURL}, {"tokeninfo", u.TokeninfoURL}, {"jwks", u.JWKSURL},
		{"people", u.PeopleBase}, {"calendar", u.CalendarBase}, {"drive", u.DriveBase},
		{"requests", base + "/_fake/requests"}, {"faults", base + "/_fake/faults"},
		{"client id", c.ID}, {"client secret", c.Secret}, {"redirect URIs", strings.Join(c.RedirectURIs, " ")},
	} {
		fmt.Fprintf(w, "  %-14s %s\n", l[0], l[1])
	}
	var accounts []string
	for _, p := range ws.People() {
		if !p.Deleted {
			accounts = append(accounts, p.Email)
		}
	}
	if len(accounts) > 5 {
		accounts = append(accounts[:5], fmt.Sprintf("and %d more", len(accounts)-5))
	}
	fmt.Fprintf(w, "  %-14s %s\n", "accounts", strings.Join(accounts, ", "))
}
