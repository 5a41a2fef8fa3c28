package main

import (
	"context"
	"fmt"
	"time"

	"github.com/scopetrail/scopetrail/connector/googleauth"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/invite"
	"github.com/scopetrail/scopetrail/connector/tokens"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/web"
)

// The concrete stores satisfy the web package's small interfaces.
var (
	_ web.Sessions = (*identity.Store)(nil)
	_ web.Users    = (*identity.AuditedUsers)(nil)
	_ web.Auth     = (*googleauth.Flow)(nil)
	_ web.Grants   = (*grant.Store)(nil)
	_ web.Tokens   = (*tokens.Store)(nil)
	_ web.AuditLog = (*audit.Trail)(nil)
)

// core is what every command that reaches users' data needs: the stores,
// the audit trail, the OAuth flows and the one door to Google.
type core struct {
	users  *identity.Store
	tokens *tokens.Store
	grants *grant.Store
	trail  *audit.Trail
	flow   *googleauth.Flow
	door   *googlehttp.Door
	// invites are the invitations, which sign-in accepts; nil in a command
	// that has no base URL for their links.
	invites *invite.Service
}

// newCore builds the core on o.db.
func newCore(ctx context.Context, o appOptions) (*core, error) {
	users := identity.NewStore(o.db, time.Now)
	toks := tokens.NewStore(o.db, o.keys.tokens, time.Now)
	grants := grant.NewStore(o.db, time.Now)
	to := o.trail
	to.Replica, to.Signer = o.replica, o.keys.audit
	trail := audit.New(o.db, to)
	deps := googleauth.Deps{DB: o.db, Users: users, Tokens: toks, Grants: grants, Audit: trail}
	var invites *invite.Service
	if o.baseURL != "" {
		mailer, err := o.mail.Mailer()
		if err != nil {
			return nil, err
		}
		invites, err = invite.New(invite.Options{DB: o.db, Audit: trail, BaseURL: o.baseURL, Mailer: mailer, Now: time.Now})
		if err != nil {
			return nil, err // names itself
		}
		deps.Invitations = invites
	}
	flow, err := googleauth.New(ctx, o.oauth, deps)
	if err != nil {
		return nil, fmt.Errorf("googleauth.New: %w", err)
	}
	door, err := googlehttp.New(googlehttp.Options{
		Bases:     o.bases,
		Timeouts:  o.timeouts,
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
	return &core{users: users, tokens: toks, grants: grants, trail: trail, flow: flow, door: door, invites: invites}, nil
}
