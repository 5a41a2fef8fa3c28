package web

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"unicode"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/connector/recordings"
	"github.com/scopetrail/scopetrail/scopes/grant"
)

// recordingLiveRoutes registers what a recording's pages follow and play:
// its progress, and its spooled file when RecordingMedia is wired.
func (s *Server) recordingLiveRoutes(app *echo.Group, member echo.MiddlewareFunc) {
	app.GET("/recordings/:id/progress", s.recordingProgress, member)
	app.POST("/recordings/sync", s.recordingsSync, member)
	if s.deps.RecordingMedia == nil {
		return
	}
	app.GET("/recordings/:id/media", s.recordingMedia, member)
	app.HEAD("/recordings/:id/media", s.recordingMedia, member)
}

// mediaExtensions name the file a recording is saved as, by its type.
var mediaExtensions = map[string]string{
	"video/mp4":  ".mp4",
	"video/webm": ".webm",
	"audio/mp4":  ".m4a",
	"audio/mpeg": ".mp3",
	"audio/webm": ".weba",
	"audio/ogg":  ".ogg",
}

// recordingMedia streams a recording's spooled file to its member, for
// the page's player, or as a download with ?download=1. http.ServeContent
// answers Range requests (206, or 416 for a range past the end),
// If-Range, If-None-Match against Drive's md5 and If-Modified-Since.
//
// Only the recording's owner gets it: another user, an admin too, or a
// recording revoked, purged, expired or not downloaded yet, gets 404.
//
// Serving it is not audited. The bytes go to the member they were fetched
// for, from ScopeTrail's own spool, with no Google request: no scope is
// used and no data goes to another party, so it is no egress (invariant
// 9) and no activity of a scope; the transcript pages and exports are not
// audited either. A player also asks for many ranges while it plays, which
// would bury the trail in entries that hold nothing to review. The request
// log keeps each request.
func (s *Server) recordingMedia(c echo.Context) error {
	u, _ := currentUser(c)
	m, err := s.deps.RecordingMedia.OpenMedia(c.Request().Context(), u.ID, c.Param("id"))
	if errors.Is(err, recordings.ErrNotFound) || errors.Is(err, recordings.ErrWrongKind) || errors.Is(err, grant.ErrRevoked) {
		return echo.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("opening a recording's media: %w", err)
	}
	defer m.Close()
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, m.ContentType)
	// The member's own data: no shared cache keeps it, and the browser
	// asks again each time, so that a purge is seen at once.
	h.Set("Cache-Control", "private, no-cache")
	if m.MD5 != "" {
		h.Set("ETag", `"`+m.MD5+`"`)
	}
	disposition := "inline"
	if c.QueryParam("download") == "1" {
		disposition = "attachment"
	}
	h.Set(echo.HeaderContentDisposition, mime.FormatMediaType(disposition, map[string]string{"filename": mediaFileName(m)}))
	http.ServeContent(c.Response(), c.Request(), "", m.ModTime, m.File)
	return nil
}

// mediaFileName is the name a recording is saved as: its Drive name with
// the characters that file systems refuse replaced, and the extension of
// its type.
func mediaFileName(m recordings.Media) string {
	name := strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(" -_.,()", r) {
			return r
		}
		return '_'
	}, m.Name)
	name = strings.TrimSpace(name)
	if name == "" {
		name = "recording"
	}
	ext, ok := mediaExtensions[m.ContentType]
	if !ok {
		ext = ".mp4"
	}
	if !strings.HasSuffix(strings.ToLower(name), ext) {
		name += ext
	}
	return name
}
