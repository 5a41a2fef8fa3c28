package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/scopetrail/scopetrail/connector/googleauth"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/jobs"
	"github.com/scopetrail/scopetrail/connector/revoke"
	"github.com/scopetrail/scopetrail/connector/tokens"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/report"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/web"
)

// The concrete stores satisfy the web package's small interfaces.
var (
	_ web.Sessions = (*identity.Store)(nil)
	_ web.Users    = (*identity.Store)(nil)
	_ web.Auth     = (*googleauth.Flow)(nil)
	_ web.Grants   = (*grant.Store)(nil)
	_ web.Tokens   = (*tokens.Store)(nil)
	_ web.Pinger   = (*sqldb.DB)(nil)
	_ web.AuditLog = (*audit.Trail)(nil)
)

// appOptions is what newApp wires together.
type appOptions struct {
	db    *sqldb.DB
	keys  keys
	oauth googleauth.Config
	// bases maps API names ("people", "calendar", "drive") to base URLs.
	bases  map[string]string
	secure bool
	log    *slog.Logger
	// bg receives the job runner newApp opens; serve starts and stops it.
	bg *background
	// spoolDir receives the downloaded recordings.
	spoolDir string
	// baseURL is the app's public URL, which invitation links start with;
	// mail is the SMTP server that sends them.
	baseURL string
	mail    MailConfig
	// revoke receives the revocation service newApp builds.
	revoke *revocations
}

// newApp builds the stores, the OAuth flows and the web server.
func newApp(ctx context.Context, o appOptions) (http.Handler, error) {
	users := identity.NewStore(o.db, time.Now)
	toks := tokens.NewStore(o.db, o.keys.tokens, time.Now)
	grants := grant.NewStore(o.db, time.Now)
	replica, _ := os.Hostname()
	trail := audit.New(o.db, audit.Options{Replica: replica, Signer: o.keys.audit})
	flow, err := googleauth.New(ctx, o.oauth, googleauth.Deps{
		DB: o.db, Users: users, Tokens: toks, Grants: grants, Audit: trail,
	})
	if err != nil {
		return nil, fmt.Errorf("googleauth.New: %w", err)
	}
	door, err := googlehttp.New(googlehttp.Options{
		Bases:     o.bases,
		OAuth2:    flow.OAuth2Config(),
		RevokeURL: flow.Endpoints().RevokeURL,
		Grants:    grants,
		Tokens:    toks,
		Trail:     trail,
		ActorEmail: func(ctx context.Context, userID string) (string, error) {
			u, err := users.User(ctx, userID)
			return u.Email, err
		},
	})
	if err != nil {
		return nil, fmt.Errorf("googlehttp.New: %w", err)
	}
	cal, err := newCalendars(o.db, door, grants, o.bases["calendar"])
	if err != nil {
		return nil, err
	}
	rec, err := newRecordings(o.db, door, cal.store, grants, o.bases["drive"], o.spoolDir)
	if err != nil {
		return nil, err
	}
	dir, err := newDirectory(o.db, door, o.bases["people"], trail, o.baseURL, o.mail)
	if err != nil {
		return nil, err
	}
	runner, err := o.bg.openJobs(ctx, o.db, jobs.Workers{
		SyncDirectory:     dir.sync,
		SyncCalendars:     rec.afterCalendarSync(cal.sync),
		SyncRecordings:    rec.sync,
		DownloadRecording: rec.process,
		ImportTranscript:  rec.process,
		DirectoryUsers:    dir.syncer.Users,
		CalendarUsers:     usersFor(grants, scopes.PurposeMeetings),
		RecordingsUsers:   recordingsOnlyUsers(grants),
	})
	if err != nil {
		return nil, err
	}
	rec.runner = runner
	revoker, err := o.revoke.build(ctx, revokeStores{db: o.db, users: users, tokens: toks, grants: grants, trail: trail, door: door,
		clientID: o.oauth.ClientID, log: o.log, purgers: []revoke.Purger{cal.store, dir.syncer, dir.invites, rec.svc}})
	if err != nil {
		return nil, err
	}
	srv, err := web.New(web.Config{
		AuthURL:        flow.Endpoints().AuthURL,
		SessionKeys:    o.keys.session,
		SecureCookies:  o.secure,
		AllowedDomains: o.oauth.AllowedDomains,
		Logger:         o.log,
	}, web.Deps{Sessions: users, Users: users, Auth: flow, Grants: grants, Tokens: toks, DB: o.db, Jobs: runner,
		Calendars: cal.syncer, Meetings: cal.store, CalendarSyncs: runner,
		Directory: dir.syncer, DirectorySyncs: runner, Invitations: dir.invites,
		RecordingStatus: rec.svc, Recordings: rec.svc, Revocations: revoker, LinkSyncs: runner,
		Audit: trail, Report: report.Builder{Grants: grants, Usage: trail, Registry: scopes.All()}})
	if err != nil {
		return nil, fmt.Errorf("web.New: %w", err)
	}
	return srv, nil
}
