package report

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/scopetrail/scopetrail/scopes/audit"
)

// EventNarrowRequest is the audit event of a reviewer asking a user to
// narrow a grant: ActorID asks SubjectID about Scope, with a note in
// ErrorReason, as suspensions carry their reason.
const EventNarrowRequest audit.Event = "narrow_request"

// RequestWindow is how long a request to narrow is shown to its user.
const RequestWindow = Month

// maxRequestNote bounds the note of a request, in runes.
const maxRequestNote = 200

// ErrNoRequests means the Builder has no RequestTrail.
var ErrNoRequests = errors.New("report: requests to narrow are not recorded here")

// RequestTrail records requests to narrow in the audit trail and finds
// them again. *audit.Trail satisfies it.
type RequestTrail interface {
	Append(ctx context.Context, e audit.Entry) (audit.Entry, error)
	Query(ctx context.Context, f audit.Filter) (audit.Page, error)
}

// Request is a reviewer's request that a user narrow their grant of a
// scope: drop it, or grant a narrower one instead.
type Request struct {
	Time time.Time
	// ByID and ByEmail name who asked.
	ByID, ByEmail string
	UserID        string
	// Scope is the full name of the scope to narrow.
	Scope string
	// Note says why, or what to do instead, in one line.
	Note string
}

// Ask records r as an audit entry; its Time is when it was recorded.
func (b Builder) Ask(ctx context.Context, r Request) error {
	if b.RequestTrail == nil {
		return ErrNoRequests
	}
	_, err := b.RequestTrail.Append(ctx, audit.Entry{Event: EventNarrowRequest, ActorID: r.ByID, ActorEmail: r.ByEmail,
		SubjectID: r.UserID, Scope: r.Scope, Resource: r.UserID, ErrorReason: cleanNote(r.Note), Outcome: audit.OutcomeOK})
	if err != nil {
		return fmt.Errorf("recording the request that %s narrow %s: %w", r.UserID, r.Scope, err)
	}
	return nil
}

// Requests returns the requests made to a user in the last RequestWindow,
// newest first, the latest per scope only.
func (b Builder) Requests(ctx context.Context, userID string) ([]Request, error) {
	if b.RequestTrail == nil {
		return nil, nil
	}
	page, err := b.RequestTrail.Query(ctx, audit.Filter{UserID: userID, Event: EventNarrowRequest,
		Since: b.now().Add(-RequestWindow), Desc: true, Limit: 50})
	if err != nil {
		return nil, fmt.Errorf("finding the requests made to %s: %w", userID, err)
	}
	var out []Request
	seen := map[string]bool{}
	for _, e := range page.Entries {
		if e.SubjectID != userID || seen[e.Scope] {
			continue
		}
		seen[e.Scope] = true
		out = append(out, Request{Time: e.Time, ByID: e.ActorID, ByEmail: e.ActorEmail, UserID: e.SubjectID, Scope: e.Scope, Note: e.ErrorReason})
	}
	return out, nil
}

// cleanNote makes a note one printable line of at most maxRequestNote
// runes.
func cleanNote(s string) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }), " ")
	if r := []rune(s); len(r) > maxRequestNote {
		s = string(r[:maxRequestNote])
	}
	return s
}
