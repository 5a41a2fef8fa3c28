package web

import (
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
	// Open and OpenLabel link to the feature's own page.
	Open, OpenLabel string
	// Data names what turning the feature off deletes.
	Data string
}

// featureTexts describes each feature in scopes.Features.
var featureTexts = map[scopes.Feature]featureText{
	scopes.FeatureInvite: {
		Title:   "Directory",
		Action:  "Invite colleagues",
		Purpose: "Find colleagues in your organisation's Google directory and invite them.",
		Open:    "/admin/directory", OpenLabel: "Open the directory",
		Data: "the copy of the directory",
	},
	scopes.FeatureCalendars: {
		Title:   "Calendars",
		Action:  "Link calendars",
		Purpose: "List your calendars and their meetings.",
		Open:    "/meetings", OpenLabel: "See your meetings",
		Data: "your linked calendars and their meetings",
	},
	scopes.FeatureRecordings: {
		Title:   "Recordings",
		Action:  "Grant Drive to see recordings",
		Purpose: "Find, download and transcribe your Google Meet recordings and transcripts.",
		Open:    "/recordings", OpenLabel: "See your recordings",
		Data: "your downloaded recordings and their transcripts",
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
	stateSuspended = featureState{"suspended", "Suspended"}
	statePartSusp  = featureState{"suspended", "Partly suspended"}
	stateOff       = featureState{"off", "Turned off"}
	stateRevoked   = featureState{"revoked", "Revoked"}
)

// featureView is one feature card.
type featureView struct {
	Feature scopes.Feature
	featureText
	State  featureState
	Scopes []scopeStatus
	// Button is the label of the button that asks Google, or "" when
	// there is nothing to ask.
	Button string
	// CanOpen is true when the feature works and its page is served.
	CanOpen bool
	// CanTurnOff offers to turn the feature off; CanTurnOn to turn on
	// again what the user turned off.
	CanTurnOff, CanTurnOn bool
	// Suspension is an admin's suspension of one of the feature's scopes,
	// shown with whom to ask; nil when there is none.
	Suspension *scopeStatus
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
	// Features are the features the user's role uses.
	Features   []featureView
	Notice     *notice
	Status     grant.Status
	Reason     string
	HasRefresh bool
	// Unneeded are granted scopes that no feature of the user's role uses,
	// as after an admin became a member, with a button to drop each.
	Unneeded []scopeStatus
}

// dashboard shows each feature the user's role uses with what was granted
// and what is missing, and offers to drop what the role does not need.
func (s *Server) dashboard(c echo.Context) error {
	ctx := c.Request().Context()
	u, _ := currentUser(c)
	v, err := s.readGrant(ctx, u.ID)
	if err != nil {
		return err
	}
	hasRefresh, err := s.deps.Tokens.HasRefreshToken(ctx, u.ID)
	if err != nil {
		return fmt.Errorf("reading tokens: %w", err)
	}
	page := dashboardPage{Status: v.Grant.Status, Reason: v.Grant.Reason, HasRefresh: hasRefresh}
	_, canSwitch := s.deps.Revocations.(FeatureSwitch)
	for _, f := range u.Role.Features() {
		fv := featureFor(f, v, u.ID)
		fv.CanOpen = fv.CanOpen && s.serves(f)
		fv.CanTurnOff = fv.CanTurnOff && canSwitch
		fv.CanTurnOn = fv.CanTurnOn && canSwitch
		page.Features = append(page.Features, fv)
	}
	if s.deps.Revocations != nil {
		page.Unneeded = unneededScopes(u, v)
	}
	if n, ok := decodeNotice(sessionOf(c).take(keyNotice)); ok {
		page.Notice = &notice{Feature: n.Feature, Title: featureTexts[n.Feature].Title, Missing: n.Missing, NoRefreshToken: n.NoRefreshToken}
		for _, f := range n.Lost {
			page.Notice.Lost = append(page.Notice.Lost, featureTexts[f].Title)
		}
	}
	return s.render(c, http.StatusOK, "dashboard", page)
}

// serves reports whether the page of a feature is served.
func (s *Server) serves(f scopes.Feature) bool {
	switch f {
	case scopes.FeatureInvite:
		return s.deps.Directory != nil
	case scopes.FeatureCalendars:
		return s.deps.Calendars != nil
	case scopes.FeatureRecordings:
		return s.deps.Recordings != nil
	}
	return false
}

// featureFor works out a feature card from the user's grant. A revoked
// grant is offered anew; a suspended scope makes the feature Suspended, or
// Turned off when the user suspended it, or Partly suspended while another
// of its scopes still works; a grant that needs reconnecting keeps its
// scopes but offers to reconnect.
func featureFor(f scopes.Feature, v grantView, viewerID string) featureView {
	fv := featureView{Feature: f, featureText: featureTexts[f]}
	missing, usable, byUser, byAdmin := 0, 0, 0, 0
	for _, name := range scopes.FeatureScopes(f) {
		st := v.status(name, viewerID)
		switch {
		case st.Usable():
			usable++
		case st.Suspended() && st.ByUser:
			byUser++
		case st.Suspended():
			byAdmin++
			if fv.Suspension == nil {
				fv.Suspension = &st
			}
		default:
			missing++
		}
		fv.Scopes = append(fv.Scopes, st)
	}
	switch {
	case v.Grant.Status == grant.StatusRevoked:
		fv.State, fv.Button = stateRevoked, fv.Action
	case byAdmin+byUser > 0 && usable > 0:
		fv.State, fv.CanTurnOn = statePartSusp, byAdmin == 0
	case byAdmin > 0:
		fv.State = stateSuspended
	case byUser > 0:
		fv.State, fv.CanTurnOn = stateOff, true
	case usable == 0:
		fv.State, fv.Button = stateNot, fv.Action
	case v.Grant.Status == grant.StatusReconnectNeeded:
		fv.State, fv.Button = stateReconnect, "Reconnect"
	case missing > 0:
		fv.State, fv.Button = statePartial, "Ask again"
	default:
		fv.State = stateGranted
	}
	working := v.Grant.Status == grant.StatusActive && usable > 0
	fv.CanOpen, fv.CanTurnOff = working, working
	return fv
}

// unneededScopes are the scopes of the grant, usable, that no feature of
// u's role asks for.
func unneededScopes(u identity.User, v grantView) []scopeStatus {
	var out []scopeStatus
	for _, sc := range scopes.All() {
		if st := v.status(sc.Name, u.ID); revoke.Suspendable(sc) && st.Usable() && !u.Role.Needs(sc.Name) {
			out = append(out, st)
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
	sc, _ := scopes.Lookup(name)
	setFlash(c, "ok", "Dropped "+sc.Short+": ScopeTrail no longer uses it.")
	return c.Redirect(http.StatusSeeOther, "/dashboard")
}
