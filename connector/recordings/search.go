package recordings

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// Limits of a search.
const (
	// MaxHits is the most hits Search returns.
	MaxHits = 100
	// snippetWords is how many words of a long segment a snippet shows.
	snippetWords = 30
)

// Hit is a segment of a member's transcript that matches a search.
type Hit struct {
	// MeetingID is the meeting of the transcript, "" when none matched.
	MeetingID string
	// FileID is the file whose transcript it is (a recording, or the Meet
	// transcript a recording's text comes from); Name is that file's name.
	FileID, Name string
	// Seq is the segment's place in the transcript; Start its offset from
	// the recording's start.
	Seq     int
	Start   time.Duration
	Speaker string
	// Snippet is the segment's text, or the part of it around the first
	// match, cut into runs that match the query and runs that do not.
	Snippet []SnippetPart
}

// SnippetPart is a run of a snippet's text; Match is true for a word the
// query asked for.
type SnippetPart struct {
	Text  string
	Match bool
}

// Search returns the segments of the member's own transcripts that contain
// every word and quoted phrase of query, newest recording first, then in
// transcript order, at most limit of them (MaxHits when limit is out of
// range). Letter case does not matter; punctuation and operator syntax in
// query are ignored. A query without words finds nothing.
func (s *Service) Search(ctx context.Context, userID, query string, limit int) ([]Hit, error) {
	ps := parseQuery(query)
	if len(ps) == 0 {
		return nil, nil
	}
	if limit <= 0 || limit > MaxHits {
		limit = MaxHits
	}
	const cols = `SELECT r.meeting_id, s.file_id, r.name, s.seq, s.start_us, s.speaker, s.text
		FROM transcript_segments s JOIN recordings r ON r.user_id = s.user_id AND r.file_id = s.file_id`
	const order = ` ORDER BY r.created_at DESC, s.file_id, s.seq LIMIT ?`
	var q string
	var args []any
	if s.o.DB.Dialect == sqldb.Postgres {
		q = cols + ` WHERE s.user_id = ? AND s.search @@ (` +
			strings.TrimSuffix(strings.Repeat(`phraseto_tsquery('simple', ?) && `, len(ps)), ` && `) + `)` + order
		args = append(args, userID)
		for _, p := range ps {
			args = append(args, strings.Join(p, " "))
		}
	} else {
		q = cols + ` JOIN transcript_search ON transcript_search.rowid = s.id WHERE s.user_id = ? AND transcript_search MATCH ?` + order
		args = append(args, userID, ftsMatch(ps))
	}
	rows, err := s.o.DB.Query(ctx, q, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("searching transcripts: %w", err)
	}
	defer rows.Close()
	words := wordsOf(ps)
	var out []Hit
	for rows.Next() {
		var h Hit
		var start int64
		var text string
		if err := rows.Scan(&h.MeetingID, &h.FileID, &h.Name, &h.Seq, &start, &h.Speaker, &text); err != nil {
			return nil, fmt.Errorf("reading search hits: %w", err)
		}
		h.Start = time.Duration(start) * time.Microsecond
		h.Snippet = snippet(text, words)
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading search hits: %w", err)
	}
	return out, nil
}

// snippet cuts text into runs of the words asked for and the rest. Text
// longer than snippetWords words is cut to that many around the first
// match, with an ellipsis where words were left out.
func snippet(text string, words map[string]bool) []SnippetPart {
	fields := strings.Fields(text)
	from, to := 0, len(fields)
	if len(fields) > snippetWords {
		first := 0
		for i, f := range fields {
			if matches(f, words) {
				first = i
				break
			}
		}
		from = max(0, min(first-snippetWords/3, len(fields)-snippetWords))
		to = from + snippetWords
	}
	var out []SnippetPart
	add := func(t string, match bool) {
		if n := len(out); n > 0 && out[n-1].Match == match {
			out[n-1].Text += t
			return
		}
		out = append(out, SnippetPart{Text: t, Match: match})
	}
	if from > 0 {
		add("… ", false)
	}
	for i, f := range fields[from:to] {
		if i > 0 {
			add(" ", false)
		}
		// A field such as "roadmap," matches by its word; the
		// punctuation around it stays plain.
		rest := f
		for rest != "" {
			start := strings.IndexFunc(rest, func(r rune) bool { return !notWordRune(r) })
			if start < 0 {
				add(rest, false)
				break
			}
			add(rest[:start], false)
			rest = rest[start:]
			end := strings.IndexFunc(rest, notWordRune)
			if end < 0 {
				end = len(rest)
			}
			add(rest[:end], words[strings.ToLower(rest[:end])])
			rest = rest[end:]
		}
	}
	if to < len(fields) {
		add(" …", false)
	}
	return out
}

// matches reports whether a field of text holds a word asked for.
func matches(field string, words map[string]bool) bool {
	for w := range strings.FieldsFuncSeq(field, notWordRune) {
		if words[strings.ToLower(w)] {
			return true
		}
	}
	return false
}
