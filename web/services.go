package web

import (
	"fmt"
	"strings"
)

// Deps are the services the web server uses: a core that every page
// needs, and groups of pages, each optional. Without a group its pages are
// not served (404); a group given must be complete. New reports every
// missing service at once.
type Deps struct {
	// Core serves sign-in, sessions, the dashboard and the users page.
	// Required.
	Core Core
	// Jobs serves the admin Jobs page.
	Jobs Jobs
	// Calendars serves the calendars and meetings pages.
	Calendars *CalendarPages
	// Directory serves the admin's directory and invitations pages.
	Directory *DirectoryPages
	// Recordings serves the recordings pages.
	Recordings *RecordingPages
	// Review serves the reviewer's pages: the audit log, its exports and
	// chain status, and the least-privilege report.
	Review *ReviewPages
	// Revocations serves revoking access (dashboard, users page) and the
	// admin's access page that suspends and resumes scopes.
	Revocations Revocations
	// Transcripts, when set, shows timed transcripts on the meeting page,
	// and serves their search (/transcripts) and downloads.
	Transcripts Transcripts
	// LinkSyncs, when set, queues the first sync of a feature right after
	// a user links it.
	LinkSyncs LinkSyncs
}

// Core is what every page needs. All are required.
type Core struct {
	Sessions Sessions
	Users    Users
	Auth     Auth
	Grants   Grants
	Tokens   Tokens
	DB       Pinger
}

// CalendarPages serve the calendars and meetings pages. Recordings is
// optional: when set, each meeting shows its recordings and transcripts.
type CalendarPages struct {
	Calendars  Calendars
	Meetings   Meetings
	Syncs      CalendarSyncs
	Recordings RecordingStatus
}

// DirectoryPages serve the admin's directory and invitations pages;
// Invitations also accepts invitations at sign-in.
type DirectoryPages struct {
	Directory   Directory
	Syncs       DirectorySyncs
	Invitations Invitations
}

// RecordingPages serve the recordings pages. Media is optional: when set,
// a downloaded recording plays in its page and can be saved.
type RecordingPages struct {
	Recordings Recordings
	Media      RecordingMedia
}

// ReviewPages serve the reviewer's pages.
type ReviewPages struct {
	Audit  AuditLog
	Report PrivilegeReport
}

// services are the Deps as the handlers read them, nil where a group is
// absent.
type services struct {
	Core
	Jobs            Jobs
	Calendars       Calendars
	Meetings        Meetings
	CalendarSyncs   CalendarSyncs
	RecordingStatus RecordingStatus
	Directory       Directory
	DirectorySyncs  DirectorySyncs
	Invitations     Invitations
	Recordings      Recordings
	RecordingMedia  RecordingMedia
	Transcripts     Transcripts
	Audit           AuditLog
	Report          PrivilegeReport
	Revocations     Revocations
	LinkSyncs       LinkSyncs
}

// services checks d and returns its services, or an error naming every
// service missing.
func (d Deps) services() (services, error) {
	var missing []string
	need := func(name string, set bool) {
		if !set {
			missing = append(missing, name)
		}
	}
	c := d.Core
	need("Core.Sessions", c.Sessions != nil)
	need("Core.Users", c.Users != nil)
	need("Core.Auth", c.Auth != nil)
	need("Core.Grants", c.Grants != nil)
	need("Core.Tokens", c.Tokens != nil)
	need("Core.DB", c.DB != nil)
	s := services{Core: c, Jobs: d.Jobs, Transcripts: d.Transcripts, Revocations: d.Revocations, LinkSyncs: d.LinkSyncs}
	if g := d.Calendars; g != nil {
		need("Calendars.Calendars", g.Calendars != nil)
		need("Calendars.Meetings", g.Meetings != nil)
		need("Calendars.Syncs", g.Syncs != nil)
		s.Calendars, s.Meetings, s.CalendarSyncs, s.RecordingStatus = g.Calendars, g.Meetings, g.Syncs, g.Recordings
	}
	if g := d.Directory; g != nil {
		need("Directory.Directory", g.Directory != nil)
		need("Directory.Syncs", g.Syncs != nil)
		need("Directory.Invitations", g.Invitations != nil)
		s.Directory, s.DirectorySyncs, s.Invitations = g.Directory, g.Syncs, g.Invitations
	}
	if g := d.Recordings; g != nil {
		need("Recordings.Recordings", g.Recordings != nil)
		s.Recordings, s.RecordingMedia = g.Recordings, g.Media
	}
	if g := d.Review; g != nil {
		need("Review.Audit", g.Audit != nil)
		need("Review.Report", g.Report != nil)
		s.Audit, s.Report = g.Audit, g.Report
	}
	if len(missing) > 0 {
		return services{}, fmt.Errorf("missing in Deps: %s", strings.Join(missing, ", "))
	}
	return s, nil
}
