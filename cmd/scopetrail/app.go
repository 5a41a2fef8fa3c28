package main

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/scopetrail/scopetrail/connector/googleauth"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/invite"
	"github.com/scopetrail/scopetrail/connector/jobs"
	"github.com/scopetrail/scopetrail/connector/recordings"
	"github.com/scopetrail/scopetrail/connector/revoke"
	"github.com/scopetrail/scopetrail/connector/transcribe"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/report"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/web"
)

// The database answers the readiness probe.
var _ web.Pinger = (*sqldb.DB)(nil)

// appOptions is what newApp wires together.
type appOptions struct {
	db    *sqldb.DB
	keys  keys
	oauth googleauth.Config
	// bases are the Google APIs' base URLs; timeouts bound every request
	// to Google through the door.
	bases    googlehttp.Bases
	timeouts googlehttp.Timeouts
	secure   bool
	log      *slog.Logger
	// bg owns the job runner; newApp opens it before the services that
	// enqueue, serve starts and stops it.
	bg *background
	// spoolDir receives the downloaded recordings; transcribe configures
	// their transcription.
	spoolDir   string
	transcribe transcribe.Config
	// retention is how long transcribed audio stays in the spool.
	retention recordings.Retention
	// baseURL is the app's public URL, which invitation links start with;
	// mail is the SMTP server that sends them.
	baseURL string
	mail    invite.Config
	// trail holds the audit trail's checkpoint interval and witnesses
	// (see auditTrailOptions); newCore adds the replica and the signing key.
	trail audit.Options
	// replica names this process on the audit entries it writes
	// (REPLICA_NAME or the host name).
	replica string
	// auditCfg is where the checkpoints are witnessed, for the start-up
	// config entry.
	auditCfg AuditConfig
	// metricsToken lets the app's port serve /metrics to its bearer.
	metricsToken string
	// revoke receives the revocation service newApp builds.
	revoke *revocations
	// contact is whom a refused sign-in is told to ask; ADMIN_EMAILS when
	// empty.
	contact string
	// personas are the demo's admin, member and reviewer, which the
	// sign-in page lists; nil outside the demo.
	personas *demoPersonas
}

// newApp builds, in this order, the job runner (which enqueues at once),
// the core, the features that register their kinds on the runner, the
// revocation service and the web server. serve starts the runner.
func newApp(ctx context.Context, o appOptions) (*web.Server, error) {
	runner, err := o.bg.open(ctx, o.db)
	if err != nil {
		return nil, err
	}
	c, err := newCore(ctx, o)
	if err != nil {
		return nil, err
	}
	o.bg.trail = c.trail
	if err := recordStartup(ctx, o, c.trail); err != nil {
		return nil, err
	}
	f, err := newFeatures(o, c, runner)
	if err != nil {
		return nil, err
	}
	revoker, err := buildRevoker(ctx, o, c, f)
	if err != nil {
		return nil, err
	}
	srv, err := web.New(web.Config{
		AuthURL:        c.flow.Endpoints().AuthURL,
		SessionKeys:    o.keys.session,
		SecureCookies:  o.secure,
		AllowedDomains: o.oauth.AllowedDomains,
		AdminContact:   cmp.Or(o.contact, strings.Join(o.oauth.AdminEmails, ", ")),
		MetricsToken:   o.metricsToken,
		Logger:         o.log,
		DemoAccounts:   o.personas.accounts(),
	}, web.Deps{
		Core: web.Core{Sessions: c.users, Users: c.users.Audited(c.trail), Auth: o.personas.auth(c.flow, c.users.Audited(c.trail)),
			Grants: c.grants, Tokens: c.tokens, DB: o.db},
		Jobs: runner,
		Calendars: &web.CalendarPages{Calendars: f.cal.syncer, Meetings: f.cal.store, Syncs: f.cal.jobs,
			Recordings: f.rec.svc},
		Directory:   &web.DirectoryPages{Directory: f.dir.syncer, Syncs: f.dir.jobs, Invitations: f.dir.invites},
		Recordings:  &web.RecordingPages{Recordings: f.rec.svc, Media: f.rec.svc},
		Transcripts: f.rec.svc,
		Review: &web.ReviewPages{Audit: c.trail, Report: report.Builder{Grants: c.grants, Usage: c.trail, Registry: scopes.All(),
			Egress: c.trail, Daily: c.trail, RequestTrail: c.trail}},
		Revocations: revoker,
		LinkSyncs:   f.linkSyncs(),
	})
	if err != nil {
		return nil, fmt.Errorf("web.New: %w", err)
	}
	return srv, nil
}

// buildRevoker builds the revocation service on the core, purging the
// features' stores.
func buildRevoker(ctx context.Context, o appOptions, c *core, f *features) (*revoke.Service, error) {
	return o.revoke.build(ctx, revokeStores{db: o.db, users: c.users, tokens: c.tokens, grants: c.grants, trail: c.trail, door: c.door,
		clientID: o.oauth.ClientID, log: o.log, purgers: f.purgers()})
}

// The job runner lists the jobs for the admin Jobs page.
var _ web.Jobs = (*jobs.Runner)(nil)
