package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/connector/googleauth"
	"github.com/scopetrail/scopetrail/connector/revoke"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/identity"
)

// featureSwitchRoutes registers turning one feature off and on again from
// the dashboard, when the revocation service can.
func (s *Server) featureSwitchRoutes(app *echo.Group, member echo.MiddlewareFunc) {
	sw, ok := s.deps.Revocations.(FeatureSwitch)
	if !ok {
		return
	}
	app.GET("/dashboard/features/:feature/off", s.turnOffConfirm, member)
	app.POST("/dashboard/features/:feature/off", func(c echo.Context) error { return s.turnOff(c, sw) }, member)
	app.POST("/dashboard/features/:feature/on", func(c echo.Context) error { return s.turnOn(c, sw) }, member)
}

// turnOffPage asks to confirm turning one feature off.
type turnOffPage struct {
	Feature scopes.Feature
	featureText
	Scopes []scopeStatus
}

// featureParam returns the feature in the path, which the user's role must
// use; echo.ErrNotFound for any other.
func featureParam(c echo.Context) (scopes.Feature, error) {
	f := scopes.Feature(c.Param("feature"))
	u, _ := currentUser(c)
	if !slices.Contains(scopes.Features, f) || !u.Role.Uses(f) {
		return "", echo.ErrNotFound
	}
	return f, nil
}

// turnOffConfirm says what turning a feature off does, here and at Google,
// and asks to confirm.
func (s *Server) turnOffConfirm(c echo.Context) error {
	f, err := featureParam(c)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	v, err := s.readGrant(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	page := turnOffPage{Feature: f, featureText: featureTexts[f]}
	for _, name := range scopes.FeatureScopes(f) {
		page.Scopes = append(page.Scopes, v.status(name, u.ID))
	}
	return s.render(c, http.StatusOK, "turnoff", page)
}

// turnOff turns the feature in the path off for the signed-in user and
// says on the dashboard what was done.
func (s *Server) turnOff(c echo.Context, sw FeatureSwitch) error {
	f, err := featureParam(c)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	rep, err := sw.TurnOff(c.Request().Context(), u.ID, f, revoke.Actor{ID: u.ID, Email: u.Email})
	if err != nil {
		return fmt.Errorf("turning %s off for %s: %w", f, u.ID, err)
	}
	title := featureTexts[f].Title
	var dropped []string
	for _, name := range rep.Dropped {
		dropped = append(dropped, shortName(name))
	}
	text := fmt.Sprintf("%s is off: %d stored item(s) deleted.", title, rep.PurgedRows)
	if len(dropped) > 0 {
		text += " ScopeTrail now refuses every use of " + strings.Join(dropped, ", ") +
			". Google cannot take back a single permission, so your Google account still lists it until you revoke all access."
	}
	setFlash(c, "ok", text)
	return c.Redirect(http.StatusSeeOther, "/dashboard#feature-"+string(f))
}

// turnOn turns on again a feature the user turned off, and queues its
// first sync, as after linking it.
func (s *Server) turnOn(c echo.Context, sw FeatureSwitch) error {
	f, err := featureParam(c)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	ctx := c.Request().Context()
	title := featureTexts[f].Title
	resumed, err := sw.TurnOn(ctx, u.ID, f, revoke.Actor{ID: u.ID, Email: u.Email})
	if errors.Is(err, revoke.ErrSuspendedByAdmin) {
		setFlash(c, "bad", title+" stays off: an admin suspended it. Ask an admin to resume it.")
		return c.Redirect(http.StatusSeeOther, "/dashboard#feature-"+string(f))
	}
	if err != nil {
		return fmt.Errorf("turning %s on for %s: %w", f, u.ID, err)
	}
	v, err := s.readGrant(ctx, u.ID)
	if err != nil {
		return err
	}
	s.syncAfterLink(ctx, u, googleauth.Result{Feature: f, Granted: v.Grant.Scopes})
	text := title + " is on again; its data comes back with the next sync."
	if len(resumed) == 0 {
		text = title + " was not turned off."
	}
	setFlash(c, "ok", text)
	return c.Redirect(http.StatusSeeOther, "/dashboard#feature-"+string(f))
}

// turnOnIfOff turns a feature on again when the user turned it off, before
// they link it: consenting again at Google would not lift the suspension
// that turning it off left. An admin's suspension stays; the link goes on,
// and the dashboard says the feature is suspended.
func (s *Server) turnOnIfOff(ctx context.Context, u identity.User, f scopes.Feature) error {
	sw, ok := s.deps.Revocations.(FeatureSwitch)
	if !ok {
		return nil
	}
	if _, err := sw.TurnOn(ctx, u.ID, f, revoke.Actor{ID: u.ID, Email: u.Email}); err != nil && !errors.Is(err, revoke.ErrSuspendedByAdmin) {
		return fmt.Errorf("turning %s on before linking it: %w", f, err)
	}
	return nil
}

// shortName is a scope's short name, such as "drive.readonly".
func shortName(name string) string {
	if sc, ok := scopes.Lookup(name); ok {
		return sc.Short
	}
	return name
}
