package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/scopes/audit"
)

// auditEntryPage is what an entry's page shows: every field of the entry
// and of the other entry of its request side by side, and its place in the
// chain.
type auditEntryPage struct {
	Seq int64
	// Columns head the entries shown, in chain order; Fields are their
	// fields, one row each, a value per column.
	Columns []auditColumn
	Fields  []auditField
	// Awaiting, on a request whose outcome is not recorded, says how it
	// reads: pending or unknown.
	Awaiting audit.Outcome
	// Prev and Next are the seqs of the neighbouring entries, 0 for none;
	// Head is the chain's last.
	Prev, Next, Head int64
	// Checkpoint is the first checkpoint that covers the entry, nil while
	// none does.
	Checkpoint *audit.Checkpoint
	// PendingFor is how long a request may read as pending, in words.
	PendingFor string
}

// auditColumn heads one entry of an entry's page.
type auditColumn struct {
	Title string
	Seq   int64
}

// auditField is one field of the entries on an entry's page.
type auditField struct {
	Name   string
	Values []auditValue
}

// auditValue is one field of one entry: its text, and a link to another
// entry when it names one.
type auditValue struct {
	Text, Link string
}

// parseSeq reads an entry's seq from a path: a positive decimal number.
func parseSeq(s string) (int64, bool) {
	seq, err := strconv.ParseInt(s, 10, 64)
	if err != nil || seq <= 0 || strconv.FormatInt(seq, 10) != s {
		return 0, false
	}
	return seq, true
}

// entryLink is the page of entry seq.
func entryLink(seq int64) string { return "/audit/entries/" + strconv.FormatInt(seq, 10) }

// auditEntry shows one entry: every field, of the other entry of its
// request too, its hash and its place in the chain.
func (s *Server) auditEntry(c echo.Context) error {
	ctx := c.Request().Context()
	seq, ok := parseSeq(c.Param("seq"))
	if !ok {
		return invalidf("%q is not an entry number: want a whole number from 1, as in /audit/entries/12.", c.Param("seq"))
	}
	place, err := s.deps.Audit.Place(ctx, seq)
	if errors.Is(err, audit.ErrNoEntry) {
		return echo.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("reading audit entry %d: %w", seq, err)
	}
	users, err := s.deps.Users.Users(ctx)
	if err != nil {
		return fmt.Errorf("listing users: %w", err)
	}
	names := newPeople(users)
	page := auditEntryPage{Seq: seq, Head: place.Head, Checkpoint: place.Checkpoint, PendingFor: pendingForText}
	if seq > 1 {
		page.Prev = seq - 1
	}
	if seq < place.Head {
		page.Next = seq + 1
	}
	var shown []audit.Entry
	switch {
	case place.Begin != nil:
		shown = []audit.Entry{*place.Begin, place.Entry}
		page.Columns = []auditColumn{{"Pending entry", place.Begin.Seq}, {"Outcome entry", seq}}
	case place.Outcome != nil:
		shown = []audit.Entry{place.Entry, *place.Outcome}
		page.Columns = []auditColumn{{"Pending entry", seq}, {"Outcome entry", place.Outcome.Seq}}
	default:
		shown = []audit.Entry{place.Entry}
		page.Columns = []auditColumn{{"Entry", seq}}
		if place.Entry.Outcome == audit.OutcomePending {
			page.Awaiting = audit.OutcomeUnknown
			if time.Since(place.Entry.Time) < audit.PendingFor {
				page.Awaiting = audit.OutcomePending
			}
		}
	}
	for i, e := range shown {
		for j, f := range entryFields(e, names) {
			if i == 0 {
				page.Fields = append(page.Fields, auditField{Name: f.name})
			}
			page.Fields[j].Values = append(page.Fields[j].Values, f.value)
		}
	}
	return s.render(c, http.StatusOK, "audit_entry", page)
}

// namedValue is one field of an entry, by the name DESIGN.md gives it.
type namedValue struct {
	name  string
	value auditValue
}

// entryFields returns every field of e, people by name, email and id.
func entryFields(e audit.Entry, names people) []namedValue {
	text := func(s string) auditValue { return auditValue{Text: s} }
	num := func(n int64) auditValue { return text(strconv.FormatInt(n, 10)) }
	who := func(p person) auditValue {
		switch {
		case p.ID == "" && p.Email == "":
			return text("")
		case p.Label != p.Email && p.Email != "":
			return text(fmt.Sprintf("%s <%s> %s", p.Label, p.Email, p.ID))
		}
		return text(fmt.Sprintf("%s %s", p.Email, p.ID))
	}
	row := names.row(e)
	ref := text("")
	if e.RefSeq > 0 {
		ref = auditValue{Text: strconv.FormatInt(e.RefSeq, 10), Link: entryLink(e.RefSeq)}
	}
	resource := text(e.Resource)
	if row.Shown != e.Resource {
		resource = text(row.Shown + " (" + e.Resource + ")")
	}
	return []namedValue{
		{"seq", num(e.Seq)}, {"id", text(e.ID)}, {"time", text(e.Time.UTC().Format("2006-01-02 15:04:05.000000 UTC"))},
		{"actor", who(row.Who)}, {"subject", who(row.Whom)}, {"client_id", text(e.ClientID)},
		{"event", text(string(e.Event))}, {"api_name", text(e.APIName)}, {"method_name", text(e.MethodName)},
		{"scope", text(e.Scope)}, {"purpose", text(e.Purpose)}, {"resource", resource},
		{"http_status", num(int64(e.HTTPStatus))}, {"error_reason", text(e.ErrorReason)}, {"outcome", text(string(e.Outcome))},
		{"num_response_bytes", num(e.NumResponseBytes)}, {"items", num(e.Items)}, {"latency", text(e.Latency.String())},
		{"request_id", text(e.RequestID)}, {"replica", text(e.Replica)}, {"host", text(e.Host)},
		{"bytes_sent", num(e.BytesSent)}, {"audio_duration", text(e.AudioDuration.String())}, {"ref_seq", ref},
		{"prev_hash", text(e.PrevHash)}, {"hash", text(e.Hash)},
	}
}
