package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/connector/googleauth"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/identity"
)

// ctxUser is the echo context key of the signed-in identity.User.
const ctxUser = "scopetrail.user"

// loadUser finds the signed-in user from the server-side session named in
// the cookie. A session ended on the server (sign-out elsewhere, revocation)
// signs the browser out at once.
func (s *Server) loadUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		sess := sessionOf(c)
		id := sess.get(keySessionID)
		if id == "" {
			return next(c)
		}
		_, user, err := s.deps.Sessions.Session(c.Request().Context(), id)
		switch {
		case errors.Is(err, identity.ErrNotFound):
			sess.del(keySessionID)
			renewCSRF(sess)
		case err != nil:
			return fmt.Errorf("loading session: %w", err)
		default:
			c.Set(ctxUser, user)
		}
		return next(c)
	}
}

// currentUser returns the signed-in user.
func currentUser(c echo.Context) (identity.User, bool) {
	u, ok := c.Get(ctxUser).(identity.User)
	return u, ok
}

// requireUser sends visitors who are not signed in to the home page.
func (s *Server) requireUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if _, ok := currentUser(c); ok {
			return next(c)
		}
		if c.Request().Method == http.MethodGet {
			return c.Redirect(http.StatusSeeOther, "/")
		}
		return errSignInRequired
	}
}

// requireRole admits signed-in users whose role is one of roles. It must
// run after requireUser.
func requireRole(roles ...identity.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			u, ok := currentUser(c)
			if !ok {
				return errSignInRequired
			}
			if !slices.Contains(roles, u.Role) {
				return errForbidden
			}
			return next(c)
		}
	}
}

// home shows the sign-in page, or sends a signed-in user to the dashboard.
func (s *Server) home(c echo.Context) error {
	if _, ok := currentUser(c); ok {
		return c.Redirect(http.StatusSeeOther, "/dashboard")
	}
	return s.render(c, http.StatusOK, "home", newHomePage(s.cfg.DemoAccounts))
}

// signIn starts a Google sign-in, for the account the form's login_hint
// names when it names one (see loginHint).
func (s *Server) signIn(c echo.Context) error {
	authURL, state, err := s.deps.Auth.BeginSignIn(c.Request().Context(), loginHint(c.FormValue("login_hint")))
	if err != nil {
		return fmt.Errorf("beginning sign-in: %w", err)
	}
	addPendingState(sessionOf(c), state)
	return c.Redirect(http.StatusSeeOther, authURL)
}

// link starts asking the signed-in user for one feature's scopes; a
// feature the user's role does not use is refused before Google is asked.
func (s *Server) link(c echo.Context) error {
	feature := scopes.Feature(c.Param("feature"))
	if !slices.Contains(scopes.Features, feature) {
		return echo.ErrNotFound
	}
	u, _ := currentUser(c)
	if !u.Role.Uses(feature) {
		return fmt.Errorf("%s may not link %s: %w", u.Role, feature, errFeatureNotForRole)
	}
	if err := s.turnOnIfOff(c.Request().Context(), u, feature); err != nil {
		return err
	}
	authURL, state, err := s.deps.Auth.BeginLink(c.Request().Context(), u.ID, feature)
	if err != nil {
		return fmt.Errorf("beginning link of %s: %w", feature, err)
	}
	addPendingState(sessionOf(c), state)
	return c.Redirect(http.StatusSeeOther, authURL)
}

// callback finishes a sign-in or a link when Google sends the browser back.
// The browser's session holds the states of its pending requests, one per
// tab that started one; the redirect's state must be one of them, and is
// used once, whatever the outcome. Sign-in admits the account, accepting
// its invitation, or refuses it (googleauth.Finish); a refusal is shown by
// the admission page. A redirect whose state is not one of
// them (forged, or of another browser), or that is malformed, leaves the
// pending requests alone. A successful link queues the feature's first sync
// (see syncAfterLink).
func (s *Server) callback(c echo.Context) error {
	ctx := c.Request().Context()
	sess := sessionOf(c)
	query := c.QueryParams()
	state := query.Get("state")
	if !hasPendingState(sess, state) {
		return fmt.Errorf("callback without a matching pending request in this browser: %w", googleauth.ErrStateMismatch)
	}
	res, err := s.deps.Auth.Finish(ctx, state, query)
	if !errors.Is(err, googleauth.ErrBadCallback) {
		dropPendingState(sess, state)
	}
	if err != nil {
		return fmt.Errorf("finishing Google request: %w", err)
	}
	switch res.Kind {
	case googleauth.KindSignIn:
		if old := sess.get(keySessionID); old != "" {
			if err := s.deps.Sessions.EndSession(ctx, old); err != nil && !errors.Is(err, identity.ErrNotFound) {
				return fmt.Errorf("ending previous session: %w", err)
			}
		}
		session, err := s.deps.Sessions.CreateSession(ctx, res.User.ID, s.cfg.SessionTTL)
		if err != nil {
			return fmt.Errorf("creating session: %w", err)
		}
		sess.set(keySessionID, session.ID)
		sess.del(keyInvitation)
		renewCSRF(sess)
	case googleauth.KindLink:
		u, ok := currentUser(c)
		if !ok || u.ID != res.User.ID {
			return fmt.Errorf("link finished for user %s, not the browser's user: %w", res.User.ID, googleauth.ErrAccountMismatch)
		}
		sess.set(keyNotice, encodeNotice(res))
		s.syncAfterLink(ctx, u, res)
	default:
		return fmt.Errorf("googleauth returned an unknown result kind %q", res.Kind)
	}
	return c.Redirect(http.StatusSeeOther, "/dashboard")
}

// signOut ends the browser's server-side session.
func (s *Server) signOut(c echo.Context) error {
	sess := sessionOf(c)
	if id := sess.take(keySessionID); id != "" {
		if err := s.deps.Sessions.EndSession(c.Request().Context(), id); err != nil && !errors.Is(err, identity.ErrNotFound) {
			return fmt.Errorf("ending session: %w", err)
		}
	}
	renewCSRF(sess)
	return c.Redirect(http.StatusSeeOther, "/")
}

// encodeNotice packs a link result into the one-time notice cookie value:
// the feature, the scopes Google did not grant, the features that lost
// access, and whether no refresh token is held.
func encodeNotice(res googleauth.Result) string {
	v := url.Values{"f": {string(res.Feature)}, "m": res.Missing}
	for _, f := range res.Lost {
		v.Add("l", string(f))
	}
	if res.NoRefreshToken {
		v.Set("r", "0")
	}
	return v.Encode()
}

// linkNotice is a decoded notice.
type linkNotice struct {
	Feature        scopes.Feature
	Missing        []string
	Lost           []scopes.Feature
	NoRefreshToken bool
}

// decodeNotice unpacks encodeNotice's value.
func decodeNotice(raw string) (linkNotice, bool) {
	v, err := url.ParseQuery(raw)
	if raw == "" || err != nil || v.Get("f") == "" {
		return linkNotice{}, false
	}
	n := linkNotice{Feature: scopes.Feature(v.Get("f")), Missing: v["m"], NoRefreshToken: v.Get("r") == "0"}
	for _, f := range v["l"] {
		if slices.Contains(scopes.Features, scopes.Feature(f)) {
			n.Lost = append(n.Lost, scopes.Feature(f))
		}
	}
	return n, true
}
