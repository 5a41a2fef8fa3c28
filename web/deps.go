package web

import (
	"context"
	"net/url"
	"time"

	"github.com/scopetrail/scopetrail/connector/googleauth"
	"github.com/scopetrail/scopetrail/connector/recordings"
	"github.com/scopetrail/scopetrail/connector/revoke"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/identity"
)

// Sessions keeps browser sessions on the server. *identity.Store satisfies it.
type Sessions interface {
	// CreateSession starts a session for a user that lasts ttl.
	CreateSession(ctx context.Context, userID string, ttl time.Duration) (identity.Session, error)
	// Session returns a live session and its user. It returns an error
	// wrapping identity.ErrNotFound when the session is missing, ended or
	// expired.
	Session(ctx context.Context, id string) (identity.Session, identity.User, error)
	// EndSession ends one session.
	EndSession(ctx context.Context, id string) error
}

// Users lists users and changes their roles. *identity.AuditedUsers
// satisfies it.
type Users interface {
	// Users returns every user.
	Users(ctx context.Context) ([]identity.User, error)
	// ChangeRole changes a user's role as by decided, recording it in the
	// audit trail first. It returns an error wrapping identity.ErrNotFound
	// for an unknown user, identity.ErrRoleChanged when another change won.
	ChangeRole(ctx context.Context, id string, r identity.Role, by identity.User) error
}

// Auth runs Google sign-in and feature linking. *googleauth.Flow satisfies it.
type Auth interface {
	// BeginSignIn starts a sign-in and returns where to send the browser and
	// the state to keep in its session. A loginHint other than "" names the
	// account Google's chooser preselects (Google's login_hint).
	BeginSignIn(ctx context.Context, loginHint string) (authURL, state string, err error)
	// BeginLink starts asking a signed-in user for a feature's scopes.
	BeginLink(ctx context.Context, userID string, feature scopes.Feature) (authURL, state string, err error)
	// Finish completes a sign-in or a link from Google's redirect. Its errors
	// wrap googleauth's sentinels.
	Finish(ctx context.Context, sessionState string, query url.Values) (googleauth.Result, error)
}

// Grants reads what a user granted. *grant.Store satisfies it.
type Grants interface {
	// Get returns a user's grant, or an error wrapping grant.ErrNotFound when
	// the user never granted a feature scope.
	Get(ctx context.Context, userID string) (grant.Grant, error)
}

// Tokens tells whether ScopeTrail can reach Google for a user while they are
// away. *tokens.Store satisfies it.
type Tokens interface {
	// HasRefreshToken reports whether a refresh token is held for the user.
	HasRefreshToken(ctx context.Context, userID string) (bool, error)
}

// Pinger checks that the database answers. *sqldb.DB satisfies it.
type Pinger interface {
	PingContext(ctx context.Context) error
}

// RecordingStatus tells the meetings pages where the recordings and
// transcripts of meetings stand. *recordings.Service satisfies it.
type RecordingStatus interface {
	// ForMeetings returns the files matched to the given meetings, by
	// meeting id.
	ForMeetings(ctx context.Context, userID string, meetingIDs []string) (map[string][]recordings.Recording, error)
}

// Revocations revokes users' access and suspends or resumes their scopes.
// *revoke.Service satisfies it.
type Revocations interface {
	// Revoke revokes every access of a user; see revoke.Service.Revoke.
	Revoke(ctx context.Context, userID string, by revoke.Actor, reason string) (revoke.Report, error)
	// Suspend and Resume suspend and lift one scope of a user, recording
	// the reason given; they return revoke.ErrUnknownScope and errors
	// wrapping grant's sentinels.
	Suspend(ctx context.Context, userID, scope string, by revoke.Actor, reason string) error
	Resume(ctx context.Context, userID, scope string, by revoke.Actor, reason string) error
	// Pending returns the revocations Google has not confirmed yet.
	Pending(ctx context.Context) ([]revoke.Pending, error)
}

// FeatureSwitch turns one feature of a user off and on again, and says who
// suspended which scope, when and why. *revoke.Service satisfies it; the
// dashboard offers to turn features off, and every page shows the
// suspensions' details, only when Deps.Revocations is one.
type FeatureSwitch interface {
	// TurnOff suspends the feature's scopes for the user and purges its
	// data; see revoke.Service.TurnOff.
	TurnOff(ctx context.Context, userID string, f scopes.Feature, by revoke.Actor) (revoke.TurnOffReport, error)
	// TurnOn lifts what TurnOff suspended; it returns an error wrapping
	// revoke.ErrSuspendedByAdmin when an admin suspended the feature.
	TurnOn(ctx context.Context, userID string, f scopes.Feature, by revoke.Actor) ([]string, error)
	// Suspensions returns who suspended which scope of a user, by scope.
	Suspensions(ctx context.Context, userID string) (map[string]revoke.Suspension, error)
}

// RecordingMedia opens the spooled file of a member's recording, for the
// member to play it in the page or save it. *recordings.Service satisfies
// it.
type RecordingMedia interface {
	// OpenMedia returns the file open for reading, with its size, time and
	// type; close it. Its errors wrap recordings.ErrNotFound when the
	// member has no such recording or it is not spooled (ErrNotSpooled),
	// recordings.ErrWrongKind for a transcript, and grant.ErrRevoked when
	// the member's grant is revoked.
	OpenMedia(ctx context.Context, userID, fileID string) (recordings.Media, error)
}
