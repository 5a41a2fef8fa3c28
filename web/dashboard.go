package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
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
	// Lost are the titles of the features that lost access with this link:
	// the server does not keep earlier grants.
	Lost []string
	// NoRefreshToken is true when the link left no refresh token.
	NoRefreshToken bool
}

// dashboardPage is what the dashboard shows.
type dashboardPage struct {
	Features   []featureView
	Notice     *notice
	Status     grant.Status
	Reason     string
	HasRefresh bool
}

// dashboard shows each feature with what was granted and what is missing.
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
	for _, f := range scopes.Features {
		page.Features = append(page.Features, featureFor(f, g))
	}
	if n, ok := decodeNotice(sessionOf(c).take(keyNotice)); ok {
		page.Notice = &notice{Feature: n.Feature, Title: featureTexts[n.Feature].Title, Missing: n.Missing, NoRefreshToken: n.NoRefreshToken}
		for _, f := range n.Lost {
			page.Notice.Lost = append(page.Notice.Lost, featureTexts[f].Title)
		}
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
