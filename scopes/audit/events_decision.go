package audit

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// Decision events: what an admin or the operator decided, recorded so that
// a reviewer finds every decision in the trail.
const (
	// EventRoleChange records an admin changing a user's role: the user is
	// the subject, Resource is "role=NEW from=OLD".
	EventRoleChange Event = "role_change"
	// EventConfig records, at start-up, the configuration that decides
	// what is sent to Google or elsewhere: Resource lists each setting as
	// name=value, never a secret. Its actor is ActorSystem.
	EventConfig Event = "config"
)

// ActorSystem is the actor of the entries the process writes on its own,
// such as its configuration at start-up.
const ActorSystem = "system"

// SubjectName is who the entry concerns besides its actor, as a page shows
// it: the subject's email, else their id; "" when the entry has no subject.
func (e Entry) SubjectName() string {
	if e.SubjectEmail != "" {
		return e.SubjectEmail
	}
	return e.SubjectID
}

// RoleResource is the Resource of a role_change entry.
func RoleResource(to, from string) string { return "role=" + to + " from=" + from }

// Setting is one configuration value a config entry lists, named as the
// environment variable that sets it.
type Setting struct {
	Name, Value string
}

// maxConfigResource bounds the Resource of a config entry.
const maxConfigResource = 4000

// RecordConfig appends the config entry of a process starting with these
// settings, in the order given. An empty value, and one with a space, a
// quote, an equals sign or anything strconv.Quote escapes, is quoted. The
// caller passes no secret: settings are names of hosts, URLs without their
// user information, domains and modes. It returns
// ErrInvalidEntry for a setting without a name or one whose name holds
// anything but letters, digits and _.
func (t *Trail) RecordConfig(ctx context.Context, settings []Setting) (Entry, error) {
	var b strings.Builder
	for _, s := range settings {
		if s.Name == "" || strings.IndexFunc(s.Name, func(r rune) bool {
			return (r < 'A' || r > 'Z') && (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_'
		}) >= 0 {
			return Entry{}, fmt.Errorf("recording the configuration: setting %q: %w", s.Name, ErrInvalidEntry)
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		v := s.Value
		if q := strconv.Quote(v); v == "" || q != `"`+v+`"` || strings.ContainsAny(v, " '=") {
			v = q
		}
		b.WriteString(s.Name + "=" + v)
	}
	res := b.String()
	if len(res) > maxConfigResource {
		return Entry{}, fmt.Errorf("recording the configuration: %d bytes, more than %d: %w", len(res), maxConfigResource, ErrInvalidEntry)
	}
	e, err := t.Append(ctx, Entry{Event: EventConfig, ActorID: ActorSystem, Resource: res, Outcome: OutcomeOK})
	if err != nil {
		return Entry{}, fmt.Errorf("recording the configuration: %w", err)
	}
	return e, nil
}
