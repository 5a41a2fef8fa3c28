package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/scopetrail/scopetrail/connector/googleauth"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/web"
)

// demoPersonas are the demo accounts that stand for the three kinds of
// user: the first account of the workspace is the admin (as if it were
// ADMIN_EMAILS), the second a member, the third the security reviewer, who
// gets that role at their first sign-in. The demo has them only when
// ADMIN_EMAILS is empty: otherwise whoever set it chose the roles.
type demoPersonas struct {
	admin, member, reviewer web.DemoAccount
}

// demoSeeder is the actor of the role change that makes the reviewer
// persona a reviewer, in the audit trail.
var demoSeeder = identity.User{ID: audit.ActorSystem, Email: "demo personas"}

// personas picks the personas among the demo's accounts; nil when
// adminEmails is set or the workspace has fewer than three accounts.
func (d *demo) personas(adminEmails []string) *demoPersonas {
	if len(adminEmails) > 0 || len(d.people) < 3 {
		return nil
	}
	p := &demoPersonas{admin: d.people[0], member: d.people[1], reviewer: d.people[2]}
	p.admin.Role, p.member.Role, p.reviewer.Role = identity.RoleAdmin, identity.RoleMember, identity.RoleReviewer
	return p
}

// adminEmails is the ADMIN_EMAILS of the demo: the admin persona.
func (p *demoPersonas) adminEmails() []string { return []string{p.admin.Email} }

// accounts are the personas as the sign-in page lists them; none without
// personas.
func (p *demoPersonas) accounts() []web.DemoAccount {
	if p == nil {
		return nil
	}
	return []web.DemoAccount{p.admin, p.member, p.reviewer}
}

// auth is the sign-in of the web app: flow, through which the reviewer
// persona's first sign-in also makes them a reviewer; flow itself without
// personas.
func (p *demoPersonas) auth(flow web.Auth, users roleChanger) web.Auth {
	if p == nil {
		return flow
	}
	return &personaAuth{Auth: flow, users: users, reviewer: p.reviewer.Email}
}

// roleChanger changes roles, auditing each change. *identity.AuditedUsers
// is one.
type roleChanger interface {
	ChangeRole(ctx context.Context, id string, r identity.Role, by identity.User) error
}

// personaAuth is an Auth whose sign-in gives the reviewer persona the
// reviewer role the first time they sign in; later, an admin may change it
// like anyone's.
type personaAuth struct {
	web.Auth
	users    roleChanger
	reviewer string
}

// Finish finishes the sign-in or link, then gives a new reviewer persona
// their role, recorded in the audit trail as the demo's change.
func (a *personaAuth) Finish(ctx context.Context, state string, query url.Values) (googleauth.Result, error) {
	res, err := a.Auth.Finish(ctx, state, query)
	u := res.User
	if err != nil || res.Kind != googleauth.KindSignIn || !strings.EqualFold(u.Email, a.reviewer) ||
		u.Role != identity.RoleMember || !u.CreatedAt.Equal(u.LastSignIn) {
		return res, err
	}
	if err := a.users.ChangeRole(ctx, u.ID, identity.RoleReviewer, demoSeeder); err != nil {
		return res, fmt.Errorf("making the demo's reviewer %s a reviewer: %w", u.Email, err)
	}
	res.User.Role = identity.RoleReviewer
	return res, nil
}

// welcome lists the personas for the demo's banner, one a line: the
// email first, then the role.
func (p *demoPersonas) welcome() string {
	var b strings.Builder
	for _, a := range p.accounts() {
		fmt.Fprintf(&b, "  %s (%s)\n", a.Email, a.Role)
	}
	return b.String()
}
