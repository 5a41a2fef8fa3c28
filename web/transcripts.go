package web

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/connector/recordings"
)

// Transcripts reads and searches a member's timed transcripts.
// *recordings.Service satisfies it.
type Transcripts interface {
	// TimedTranscript returns a file's transcript with its segments, or
	// that of the Meet transcript it comes from (then FileID names it);
	// Engine is "" before transcription. Errors wrap recordings.ErrNotFound
	// for a file the member does not have.
	TimedTranscript(ctx context.Context, userID, fileID string) (recordings.Transcript, error)
	// Search returns at most limit segments of the member's own
	// transcripts that hold every word of query.
	Search(ctx context.Context, userID, query string, limit int) ([]recordings.Hit, error)
}

// searchLimit is the most hits the search page shows.
const searchLimit = 50

// engineWords name the engines for people.
var engineWords = map[string]string{
	"meet":         "Google Meet's own transcript",
	"pocketsphinx": "PocketSphinx, on this server",
	"openai":       "an OpenAI-compatible transcription service",
}

// transcriptView is a transcript as the meeting page shows it.
type transcriptView struct {
	// FileID is the file whose transcript it is; Name its name.
	FileID, Name string
	// Engine names what made it; Rough is true for the offline engine.
	Engine string
	Rough  bool
	// Segments are its timed stretches; Text the transcript when it has
	// none.
	Segments []segmentView
	Text     string
}

// segmentView is a segment with its anchor on the meeting page.
type segmentView struct {
	// Anchor is the id of the first segment at a second, "" for others;
	// Moment is the anchor of the segment's second.
	Anchor, Moment, Clock, Speaker, Text string
	// Seconds is where it starts in the recording, for the player to seek.
	Seconds int64
}

// transcriptsRoutes registers the search and the downloads when
// Transcripts is wired.
func (s *Server) transcriptsRoutes(app *echo.Group, member echo.MiddlewareFunc) {
	if s.deps.Transcripts == nil {
		return
	}
	app.GET("/transcripts", s.transcriptSearch, member)
	app.GET("/transcripts/:file", s.transcriptDownload, member)
}

// momentID is the id of the moment start in a file's transcript on its
// meeting page, the target of search results.
func momentID(fileID string, start time.Duration) string {
	return fileID + "-t" + strconv.FormatInt(int64(start/time.Second), 10)
}

// meetingTranscripts returns the transcripts of a meeting's files, each
// once, for the meeting page; nil when Transcripts is not wired.
func (s *Server) meetingTranscripts(ctx context.Context, userID string, files []fileRow) ([]transcriptView, error) {
	if s.deps.Transcripts == nil {
		return nil, nil
	}
	names := map[string]string{}
	for _, f := range files {
		names[f.FileID] = f.Name
	}
	var out []transcriptView
	seen := map[string]bool{}
	for _, f := range files {
		t, err := s.deps.Transcripts.TimedTranscript(ctx, userID, f.FileID)
		if err != nil {
			return nil, fmt.Errorf("reading the transcript of %s: %w", f.FileID, err)
		}
		if t.Engine == "" || seen[t.FileID] {
			continue
		}
		seen[t.FileID] = true
		out = append(out, newTranscriptView(t, names[t.FileID]))
	}
	return out, nil
}

// newTranscriptView dresses a transcript for a page; name is its file's
// name, its id when "".
func newTranscriptView(t recordings.Transcript, name string) transcriptView {
	v := transcriptView{FileID: t.FileID, Name: name, Engine: engineWords[t.Engine],
		Rough: t.Engine == "pocketsphinx", Text: t.Text}
	if v.Name == "" {
		v.Name = t.FileID
	}
	if v.Engine == "" {
		v.Engine = t.Engine
	}
	second := time.Duration(-1)
	for _, seg := range t.Segments {
		sv := segmentView{Moment: momentID(t.FileID, seg.Start), Clock: offsetClock(seg.Start), Speaker: seg.Speaker, Text: seg.Text,
			Seconds: int64(seg.Start / time.Second)}
		if at := seg.Start.Truncate(time.Second); at != second {
			sv.Anchor, second = sv.Moment, at
		}
		v.Segments = append(v.Segments, sv)
	}
	return v
}

// hitView is a search result: where it links and what it shows.
type hitView struct {
	recordings.Hit
	Link, Clock string
}

// searchPage is what the search page shows.
type searchPage struct {
	Query string
	// Searched is true when the query had words to look for.
	Searched bool
	Hits     []hitView
}

// transcriptSearch searches the member's own transcripts, each hit linking
// to its moment on the meeting page.
func (s *Server) transcriptSearch(c echo.Context) error {
	u, _ := currentUser(c)
	q := strings.TrimSpace(c.QueryParam("q"))
	page := searchPage{Query: q, Searched: q != ""}
	if q != "" {
		hits, err := s.deps.Transcripts.Search(c.Request().Context(), u.ID, q, searchLimit)
		if err != nil {
			return fmt.Errorf("searching transcripts: %w", err)
		}
		for _, h := range hits {
			link := "/recordings/" + url.PathEscape(h.FileID)
			if h.MeetingID != "" {
				link = "/meetings/" + url.PathEscape(h.MeetingID) + "#" + url.PathEscape(momentID(h.FileID, h.Start))
			}
			page.Hits = append(page.Hits, hitView{Hit: h, Link: link, Clock: offsetClock(h.Start)})
		}
	}
	return s.render(c, http.StatusOK, "transcripts", page)
}

// transcriptDownload sends a transcript as /transcripts/ID.txt, .vtt or
// .srt, named after its file.
func (s *Server) transcriptDownload(c echo.Context) error {
	u, _ := currentUser(c)
	param := c.Param("file")
	dot := strings.LastIndexByte(param, '.')
	if dot < 0 {
		return echo.ErrNotFound
	}
	format, ok := transcriptFormats[param[dot+1:]]
	if !ok {
		return echo.ErrNotFound
	}
	t, err := s.deps.Transcripts.TimedTranscript(c.Request().Context(), u.ID, param[:dot])
	if err != nil {
		return fmt.Errorf("reading transcript: %w", err)
	}
	if t.Engine == "" || len(t.Segments) == 0 && param[dot+1:] != "txt" {
		return echo.ErrNotFound
	}
	var b strings.Builder
	format.write(&b, t)
	name := "transcript-" + t.FileID + param[dot:]
	c.Response().Header().Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	return c.Blob(http.StatusOK, format.contentType, []byte(b.String()))
}
