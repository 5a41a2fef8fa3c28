package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/connector/directory"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/scopes"
)

// Directory reads an admin's copy of the Google directory and searches
// Google's. *directory.Syncer satisfies it.
type Directory interface {
	// Status says how fresh the admin's copy is and why its last sync
	// failed, if it did.
	Status(ctx context.Context, userID string) (directory.Status, error)
	// People returns the people of the copy matching query (everyone when
	// blank), by name, at most limit.
	People(ctx context.Context, userID, query string, limit int) ([]directory.Person, error)
	// Search asks Google's directory, for the picker; it needs no copy.
	Search(ctx context.Context, userID, query string) ([]directory.Person, error)
}

// DirectorySyncs queues a sync of an admin's directory copy in the
// background. *directory.Jobs satisfies it.
type DirectorySyncs interface {
	// EnqueueDirectorySync queues a sync unless one is waiting or running.
	EnqueueDirectorySync(ctx context.Context, userID string) error
}

// copyPageSize is how many people of the copy the page lists without a
// search.
const copyPageSize = 50

// directoryPage is what the directory page shows.
type directoryPage struct {
	// Granted reports whether the admin let ScopeTrail read the directory.
	Granted bool
	// Scope is where the admin's directory.readonly stands: when it is
	// suspended, which granting again cannot lift, it says who, when and
	// why, as the suspension's note tells.
	Scope  scopeStatus
	Status directory.Status
	// SyncFailure says in words why the last sync failed, "" when it did
	// not.
	SyncFailure string
	Query       string
	// Live reports that People come from Google's search, not the copy.
	Live bool
	// SearchFailed says why Google's search failed, when it did; People
	// then come from the copy.
	SearchFailed string
	People       []personRow
	// More reports that the copy holds more people than listed.
	More bool
}

// directoryRoutes registers the directory and invitation pages.
func (s *Server) directoryRoutes(app *echo.Group, member, admin echo.MiddlewareFunc) {
	app.GET("/admin/directory", s.directoryShow, member, admin)
	app.POST("/admin/directory/sync", s.directorySync, member, admin)
	app.GET("/admin/directory/sync/progress", s.directorySyncProgress, member, admin)
	app.GET("/admin/invitations", s.invitationsList, member, admin)
	app.POST("/admin/invitations", s.invitationsCreate, member, admin)
	app.POST("/admin/invitations/:id/renew", s.invitationRenew, member, admin)
	app.POST("/admin/invitations/:id/withdraw", s.invitationWithdraw, member, admin)
	app.GET("/invite/:token", s.invitationWelcome)
}

// directoryShow shows the sync status and either the results of a search
// of Google's directory, or the first people of the copy.
func (s *Server) directoryShow(c echo.Context) error {
	ctx := c.Request().Context()
	u, _ := currentUser(c)
	page := directoryPage{Query: strings.TrimSpace(c.QueryParam("q"))}
	v, err := s.readGrant(ctx, u.ID)
	if err != nil {
		return err
	}
	page.Scope = v.status(scopes.DirectoryReadonly, u.ID)
	page.Granted = page.Scope.Usable()
	if page.Status, err = s.deps.Directory.Status(ctx, u.ID); err != nil {
		return fmt.Errorf("reading directory status: %w", err)
	}
	page.SyncFailure = failureText(page.Status.LastError, page.Status.LastErrorDetail)
	var people []directory.Person
	if page.Query != "" && page.Granted {
		people, err = s.deps.Directory.Search(ctx, u.ID, page.Query)
		page.Live = err == nil
		if err != nil {
			s.log.Warn("directory search failed; showing the copy", "user", u.ID, "err", err)
			page.SearchFailed = searchFailure(err)
		}
	}
	if !page.Live {
		if people, err = s.deps.Directory.People(ctx, u.ID, page.Query, copyPageSize+1); err != nil {
			return fmt.Errorf("reading directory copy: %w", err)
		}
		if page.More = len(people) > copyPageSize; page.More {
			people = people[:copyPageSize]
		}
	}
	if page.People, err = s.personRows(ctx, people); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "directory", page)
}

// searchFailure says in words why Google's search failed.
func searchFailure(err error) string {
	f := googlehttp.Classify(err)
	return failureText(f.Code, f.Detail)
}

// directorySync queues a sync of the admin's copy; the page then follows
// it.
func (s *Server) directorySync(c echo.Context) error {
	u, _ := currentUser(c)
	if err := s.deps.DirectorySyncs.EnqueueDirectorySync(c.Request().Context(), u.ID); err != nil {
		return fmt.Errorf("queueing directory sync: %w", err)
	}
	setFlash(c, "ok", "A sync of your copy of the directory is queued.")
	return c.Redirect(http.StatusSeeOther, "/admin/directory#sync-status")
}
