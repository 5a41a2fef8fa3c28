package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/connector/revoke"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/identity"
)

// featureText is how the dashboard presents a feature.
type featureText struct {
	Title   string
	Action  string // the linking button's label
	Purpose string
}

// featureTexts describes each feature in scopes.Features.
var featureTexts = map[scopes.Feature]featureText{
	scopes.FeatureInvite: {
		Title:   "Directory",
		Action:  "Invite colleagues",
		Purpose: "Find colleagues in your organisation's Google directory and invite them.",
	},
	scopes.FeatureCalendars: {
		Title:   "Calendars",
		Action:  "Link calendars",
		Purpose: "List your calendars and their meetings.",
	},
	scopes.FeatureRecordings: {
		Title:   "Recordings",
		Action:  "Recordings",
		Purpose: "Find, download and transcribe your Google Meet recordings and transcripts.",
	},
}

// featureState is where a feature stands: a CSS class and the words shown.
type featureState struct{ Class, Text string }

// Feature states shown on the dashboard.
var (
	stateGranted   = featureState{"granted", "Granted"}
	statePartial   = featureState{"partial", "Partly granted"}
	stateNot       = featureState{"not-granted", "Not granted"}
	stateReconnect = featureState{"reconnect", "Reconnect needed"}
)

// scopeView is one requested scope and whether the user granted it.
type scopeView struct {
	Short, Tier, Description string
	Granted, Suspended       bool
}

// featureView is one feature card.
type featureView struct {
	Feature scopes.Feature
	featureText
	State  featureState
	Scopes []scopeView
	// Button is the label of the button that asks Google, or "" when
	// there is nothing to ask.
	Button string
}

// notice reports the outcome of the link the user just came back from.
type notice struct {
	Feature scopes.Feature
	Title   string
	Missing []string
}

// dashboardPage is what the dashboard shows.
type dashboardPage struct {
	// Features are the features the user's role uses.
	Features   []featureView
	Notice     *notice
	Status     grant.Status
	Reason     string
	HasRefresh bool
	// Unneeded are granted scopes that no feature of the user's role uses,
	// as after an admin became a member, with a button to drop each.
	Unneeded []scopeView
}

// dashboard shows each feature the user's role uses with what was granted
// and what is missing, and offers to drop what the role does not need.
func (s *Server) dashboard(c echo.Context) error {
	ctx := c.Request().Context()
	u, _ := currentUser(c)
	g, err := s.deps.Grants.Get(ctx, u.ID)
	if err != nil && !errors.Is(err, grant.ErrNotFound) {
		return fmt.Errorf("reading grant: %w", err)
	}
	hasRefresh, err := s.deps.Tokens.HasRefreshToken(ctx, u.ID)
	if err != nil {
		return fmt.Errorf("reading tokens: %w", err)
	}
	page := dashboardPage{Status: g.Status, Reason: g.Reason, HasRefresh: hasRefresh}
	for _, f := range u.Role.Features() {
		page.Features = append(page.Features, featureFor(f, g))
	}
	if s.deps.Revocations != nil {
		page.Unneeded = unneededScopes(u, g)
	}
	if f, missing, ok := decodeNotice(sessionOf(c).take(keyNotice)); ok {
		page.Notice = &notice{Feature: f, Title: featureTexts[f].Title, Missing: missing}
	}
	return s.render(c, http.StatusOK, "dashboard", page)
}

// featureFor works out a feature card from the user's grant. A revoked grant
// counts as nothing granted; a grant that needs reconnecting keeps its
// scopes but offers to reconnect.
func featureFor(f scopes.Feature, g grant.Grant) featureView {
	v := featureView{Feature: f, featureText: featureTexts[f]}
	missing := 0
	for _, name := range scopes.FeatureScopes(f) {
		sc, _ := scopes.Lookup(name)
		granted := g.Status != grant.StatusRevoked && g.Has(name)
		if !granted {
			missing++
		}
		v.Scopes = append(v.Scopes, scopeView{
			Short:       sc.Short,
			Tier:        string(sc.Tier),
			Description: sc.Description,
			Granted:     granted,
			Suspended:   granted && g.IsSuspended(name),
		})
	}
	switch {
	case missing == len(v.Scopes):
		v.State, v.Button = stateNot, v.Action
	case g.Status == grant.StatusReconnectNeeded:
		v.State, v.Button = stateReconnect, "Reconnect"
	case missing > 0:
		v.State, v.Button = statePartial, "Ask again"
	default:
		v.State = stateGranted
	}
	return v
}

// unneededScopes are the scopes of g, usable, that no feature of u's role
// asks for.
func unneededScopes(u identity.User, g grant.Grant) []scopeView {
	if g.Status == grant.StatusRevoked {
		return nil
	}
	var out []scopeView
	for _, sc := range scopes.All() {
		if revoke.Suspendable(sc) && g.Has(sc.Name) && !g.IsSuspended(sc.Name) && !u.Role.Needs(sc.Name) {
			out = append(out, scopeView{Short: sc.Short, Tier: string(sc.Tier), Description: sc.Description, Granted: true})
		}
	}
	return out
}

// dropScope stops ScopeTrail from using a scope the user's role does not
// need. Google cannot take one scope out of a grant, so the scope is
// suspended (revoke.Service.Suspend, audited): the door refuses every use
// of it from then on, and revoking all access removes it at Google.
func (s *Server) dropScope(c echo.Context) error {
	u, _ := currentUser(c)
	name, err := revoke.LookupScope(c.FormValue("scope"))
	if err != nil {
		return fmt.Errorf("dropping a scope: %w", err)
	}
	if u.Role.Needs(name) {
		return invalidf("Your role uses this permission, so it cannot be dropped here. Revoke access to remove everything.")
	}
	if err := s.deps.Revocations.Suspend(c.Request().Context(), u.ID, name, revoke.Actor{ID: u.ID, Email: u.Email}, "dropped: the "+string(u.Role)+" role does not need it"); err != nil {
		return fmt.Errorf("dropping %s for %s: %w", name, u.ID, err)
	}
	return c.Redirect(http.StatusSeeOther, "/dashboard")
}
