package replicatest

import (
	"fmt"
	"time"

	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

// The OAuth client the replicas share.
const (
	clientID     = "scopetrail-replicas.apps.googleusercontent.com"
	clientSecret = "scopetrail-replicas-secret"
)

// WorkspaceOptions size the fake Google Workspace of a run.
type WorkspaceOptions struct {
	// Members link calendars and recordings; Directory is how many people
	// the admin's directory lists, the admin and members among them.
	Members, Directory int
	// MeetingsPerCalendar and RecordingSize shape each member's data.
	MeetingsPerCalendar int
	RecordingSize       int64
	// Seed and Now make the workspace repeatable: the fault-free run and
	// the faulty one are served equal workspaces.
	Seed int64
	Now  time.Time
}

// Google is the fake Google of a run, served over loopback by the test
// process, with the workspace's admin and members.
type Google struct {
	Fake *googletest.Server
	// URL is the fake's base URL, its issuer.
	URL string
	// Admin reads the directory; Members link calendars and recordings.
	Admin   string
	Members []string
	Domain  string

	ws        *workspace.Workspace
	directory int
}

// FillDirectory adds people without calendars until the directory has as
// many people as the options ask. Google's consent page lists every
// account of the domain, so the members link before the directory grows,
// which keeps their consent pages small.
func (g *Google) FillDirectory() {
	for i := range g.directory - len(g.Members) - 1 {
		given, family := fmt.Sprintf("Staff%05d", i), "Directory"
		g.ws.PutPerson(workspace.Person{
			ID: fmt.Sprintf("d%011d", i), Email: fmt.Sprintf("staff%05d@%s", i, g.ws.Domain),
			GivenName: given, FamilyName: family, DisplayName: given + " " + family, Title: "Staff", Department: "Directory",
		})
	}
}

// StartGoogle generates the workspace of o and serves it. The members and
// the admin are people of a generated workspace, with calendars, meetings
// and Meet recordings; FillDirectory adds the rest of the directory.
func StartGoogle(o WorkspaceOptions) (*Google, error) {
	if o.Directory < o.Members+1 {
		return nil, fmt.Errorf("replicatest: a directory of %d people cannot hold %d members and an admin", o.Directory, o.Members)
	}
	ws, err := workspace.Generate(workspace.GenerateOptions{
		Seed: o.Seed, People: o.Members + 1, MeetingsPerCalendar: o.MeetingsPerCalendar,
		MeetShare: 0.8, RecordingShare: 0.6, TranscriptShare: 0.3, RecordingSize: o.RecordingSize, Now: o.Now,
	})
	if err != nil {
		return nil, fmt.Errorf("replicatest: generating the workspace: %w", err)
	}
	g := &Google{Domain: ws.Domain, ws: ws, directory: o.Directory}
	for _, p := range ws.People() {
		if p.Deleted {
			continue
		}
		if g.Admin == "" {
			g.Admin = p.Email
		} else {
			g.Members = append(g.Members, p.Email)
		}
	}
	if len(g.Members) != o.Members {
		return nil, fmt.Errorf("replicatest: the generated workspace has %d members, want %d", len(g.Members), o.Members)
	}
	g.Fake, g.URL, err = googletest.Start(googletest.Options{Workspace: ws, Seed: uint64(o.Seed)})
	if err != nil {
		return nil, fmt.Errorf("replicatest: starting the fake Google: %w", err)
	}
	return g, nil
}

// Register registers the replicas' OAuth client with their callbacks.
func (g *Google) Register(replicas ...*Replica) {
	c := googletest.Client{ID: clientID, Secret: clientSecret, Name: "ScopeTrail (replicas)"}
	for _, r := range replicas {
		c.RedirectURIs = append(c.RedirectURIs, r.Base+"/auth/callback")
	}
	g.Fake.RegisterClient(c)
}

// Close stops the fake.
func (g *Google) Close() error { return g.Fake.Close() }
