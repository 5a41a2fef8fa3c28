package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/connector/googleauth"
	"github.com/scopetrail/scopetrail/connector/revoke"
)

// keyInvitation is the session key set when this browser opened an
// invitation link, so that a refused sign-in can say the link was addressed
// to somebody else. It holds no address.
const keyInvitation = "invitation"

// Readmitter lets a user an admin revoked back in. *revoke.Service is one;
// the users page offers it when Deps.Revocations is one.
type Readmitter interface {
	// Readmit unblocks a user, audited; errors wrap identity.ErrNotFound.
	Readmit(ctx context.Context, userID string, by revoke.Actor) error
}

// refusalView is what the refusal page says of a sign-in admission
// refused.
type refusalView struct {
	Email string
	// Blocked is true when an admin revoked the account's access;
	// BlockedBy names them.
	Blocked   bool
	BlockedBy string
	// OtherInvitation is true when this browser opened an invitation link
	// that did not admit the account: it is addressed to another email.
	OtherInvitation bool
	// Contact is whom to ask.
	Contact string
}

// refusalOf returns what the refusal page shows for err, or nil when err
// is no refusal. The invitation link opened in this browser, if any, is
// used up here.
func (s *Server) refusalOf(c echo.Context, err error) *refusalView {
	var r *googleauth.Refusal
	if !errors.As(err, &r) {
		return nil
	}
	v := &refusalView{Email: r.Email, Blocked: r.Reason == googleauth.ReasonBlocked, BlockedBy: r.BlockedBy, Contact: s.cfg.AdminContact}
	v.OtherInvitation = sessionOf(c).take(keyInvitation) != "" && !v.Blocked
	return v
}

// readmit lets back in a user whose access an admin revoked.
func (s *Server) readmit(c echo.Context) error {
	me, _ := currentUser(c)
	r, ok := s.deps.Revocations.(Readmitter)
	if !ok {
		return echo.ErrNotFound
	}
	target, err := s.findUser(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	if err := r.Readmit(c.Request().Context(), target.ID, revoke.Actor{ID: me.ID, Email: me.Email}); err != nil {
		return fmt.Errorf("re-admitting %s: %w", target.ID, err)
	}
	setFlash(c, "ok", target.Email+" may sign in again.")
	return c.Redirect(http.StatusSeeOther, "/admin/users#user-"+url.QueryEscape(target.ID))
}
