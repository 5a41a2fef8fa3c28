package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/joho/godotenv"

	"github.com/scopetrail/scopetrail/connector/googleauth"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/web"
)

// demoClientID is the OAuth client the demo registers with its fake Google.
const demoClientID = "scopetrail-demo.apps.googleusercontent.com"

// demoWorkspaceFile is the workspace the demo serves when it exists,
// relative to the working directory; otherwise a small one is generated.
const demoWorkspaceFile = "testdata/workspace/acme.json"

// fillDemoKeys gives the demo every key the environment lacks: from the
// demo keys file when an earlier run saved one, or freshly generated and
// then saved, so that a restart still reads its cookies and tokens.
func fillDemoKeys(c *Config) error {
	saved, err := godotenv.Read(c.Demo.KeysFile)
	if errors.Is(err, fs.ErrNotExist) {
		saved, err = map[string]string{}, nil
	}
	if err != nil {
		return fmt.Errorf("reading DEMO_KEYS_FILE %s: %w", c.Demo.KeysFile, err)
	}
	changed := false
	for _, s := range []struct {
		name string
		dst  *string
		gen  func() string
	}{
		{"SESSION_KEYS", &c.Secrets.SessionKeys, newSessionKeyPair},
		{"TOKEN_KEYS", &c.Secrets.TokenKeys, func() string { return newTokenKey("demo1") }},
		{"AUDIT_SIGNING_KEY", &c.Secrets.AuditSigningKey, newAuditSeed},
	} {
		switch {
		case *s.dst != "":
		case saved[s.name] != "":
			*s.dst = saved[s.name]
		default:
			*s.dst = s.gen()
			saved[s.name] = *s.dst
			changed = true
		}
	}
	if !changed {
		return nil
	}
	text, err := godotenv.Marshal(saved)
	if err != nil {
		return fmt.Errorf("writing demo keys: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(c.Demo.KeysFile), 0o700); err != nil {
		return fmt.Errorf("writing demo keys: %w", err)
	}
	if err := os.WriteFile(c.Demo.KeysFile, []byte(text+"\n"), 0o600); err != nil {
		return fmt.Errorf("writing demo keys: %w", err)
	}
	// WriteFile keeps the mode of a file that existed: make it private.
	if err := os.Chmod(c.Demo.KeysFile, 0o600); err != nil {
		return fmt.Errorf("writing demo keys: %w", err)
	}
	return nil
}

// demo is the fake Google that the demo runs in-process.
type demo struct {
	fake     *googletest.Server
	urls     googletest.URLs
	client   googletest.Client
	accounts []string
	// people are the accounts with their names, in the workspace's order.
	people []web.DemoAccount
	// domain is the demo workspace's, which the demo opens for sign-up
	// unless SIGNUP_DOMAINS names others.
	domain string
}

// startDemo starts the fake Google with the demo workspace, its Meet
// recordings speaking LibriVox clips when they are installed, and
// registers the app's OAuth client, whose callback is redirectURL.
func startDemo(redirectURL string, now time.Time) (*demo, error) {
	ws, err := demoWorkspace(now)
	if err != nil {
		return nil, err
	}
	speakDemoRecordings(ws, demoSpeech())
	fake, base, err := googletest.Start(googletest.Options{Workspace: ws})
	if err != nil {
		return nil, fmt.Errorf("googletest.Start: %w", err)
	}
	d := &demo{
		fake:   fake,
		domain: ws.Domain,
		urls:   googletest.Endpoints(base),
		client: googletest.Client{
			ID:           demoClientID,
			Secret:       randomBase64(24),
			RedirectURIs: []string{redirectURL},
			Name:         "ScopeTrail (demo)",
		},
	}
	fake.RegisterClient(d.client)
	for _, p := range ws.People() {
		if !p.Deleted {
			d.accounts = append(d.accounts, p.Email)
			d.people = append(d.people, web.DemoAccount{Email: p.Email, Name: p.DisplayName})
		}
	}
	return d, nil
}

// demoWorkspace loads demoWorkspaceFile, or generates a small workspace.
func demoWorkspace(now time.Time) (*workspace.Workspace, error) {
	if _, err := os.Stat(demoWorkspaceFile); err == nil {
		ws, err := workspace.LoadFile(demoWorkspaceFile)
		if err != nil {
			return nil, fmt.Errorf("workspace.LoadFile: %w", err)
		}
		return ws, nil
	}
	ws, err := workspace.Generate(workspace.GenerateOptions{
		Seed: 1, Domain: "acme.test", People: 8, CalendarsPerPerson: 2, MeetingsPerCalendar: 6,
		MeetShare: 0.6, RecordingShare: 0.5, TranscriptShare: 0.5, RecordingSize: 256 << 10, Now: now,
	})
	if err != nil {
		return nil, fmt.Errorf("workspace.Generate: %w", err)
	}
	return ws, nil
}

// endpoints points the OAuth flows at the fake.
func (d *demo) endpoints() googleauth.Endpoints {
	return googleauth.Endpoints{
		AuthURL:     d.urls.AuthURL,
		TokenURL:    d.urls.TokenURL,
		RevokeURL:   d.urls.RevokeURL,
		UserinfoURL: d.urls.UserinfoURL,
		Issuer:      d.urls.Issuer,
		JWKSURL:     d.urls.JWKSURL,
	}
}

// bases returns the fake's API base URLs.
func (d *demo) bases() googlehttp.Bases {
	return googlehttp.Bases{People: d.urls.PeopleBase, Calendar: d.urls.CalendarBase, Drive: d.urls.DriveBase}
}

// printWelcome tells the person at the terminal where to go and as whom:
// the personas, when the demo has them, then the other accounts.
func (d *demo) printWelcome(w io.Writer, baseURL string, personas *demoPersonas) {
	const shown = 8
	accounts := d.accounts
	roles := "Unless ADMIN_EMAILS says otherwise, the first account to sign in becomes admin."
	if personas != nil {
		accounts = accounts[3:]
		roles = "The first three are the demo's admin, member and security reviewer; every other account signs in as a member."
	}
	more := ""
	if len(accounts) > shown {
		more = fmt.Sprintf(" (and %d more on the consent page)", len(accounts)-shown)
		accounts = accounts[:shown]
	}
	list, role := "", ""
	if personas != nil {
		list, role = personas.welcome(), " ("+string(identity.RoleMember)+")"
	}
	for _, a := range accounts {
		list += "  " + a + role + "\n"
	}
	fmt.Fprintf(w, `
ScopeTrail demo: no GOOGLE_CLIENT_ID is set, so a fake Google runs in-process at %s.
Open %s and sign in as one of these demo accounts%s:
%sNo password is needed. %s
Accounts of %s may sign up without an invitation unless SIGNUP_DOMAINS names other domains.

`, d.urls.Issuer, baseURL, more, list, roles, d.domain)
}

// signupDomains returns the sign-up domains configured, or the demo's own.
func (d *demo) signupDomains(configured []string) []string {
	if len(configured) > 0 {
		return configured
	}
	return []string{d.domain}
}

// close stops the fake.
func (d *demo) close() error { return d.fake.Close() }
