package web

import (
	"context"
	"fmt"
	"hash/fnv"
	"strings"
	"unicode"

	"github.com/scopetrail/scopetrail/connector/directory"
	"github.com/scopetrail/scopetrail/connector/invite"
	"github.com/scopetrail/scopetrail/scopes/identity"
)

// avatarColours is how many background colours the initials avatars of
// static/directory.css have (.avatar.c0 to .c7).
const avatarColours = 8

// personRow is one person of the results: whether they are already a
// user, where their invitation stands, if they have one, and their
// initials avatar, drawn here so that the admin's browser fetches no
// third-party image.
type personRow struct {
	directory.Person
	// User is the user with this person's email, nil when there is none.
	User       *identity.User
	Invitation invite.Status
	// Initials are up to two letters of the name (or of the email).
	Initials string
	// Colour picks the avatar's background, the same for the same person
	// on every page.
	Colour int
}

// Invitable reports whether the admin can tick the person: they have an
// email, are not a user yet and hold no invitation that is pending or was
// accepted.
func (p personRow) Invitable() bool {
	return p.Email != "" && p.User == nil && p.Invitation != invite.StatusPending && p.Invitation != invite.StatusAccepted
}

// Standing says in words where the person stands, for the results'
// last column: "already a user · admin", "invited", or the invitation's
// status.
func (p personRow) Standing() string {
	switch {
	case p.User != nil && p.User.Blocked():
		return "already a user · " + string(p.User.Role) + " · access revoked"
	case p.User != nil:
		return "already a user · " + string(p.User.Role)
	case p.Invitation == invite.StatusPending:
		return "invited"
	case p.Invitation == invite.StatusExpired:
		return "invitation expired"
	}
	return string(p.Invitation)
}

// personRows marks each person who is a user or was invited, and draws
// their avatars.
func (s *Server) personRows(ctx context.Context, people []directory.Person) ([]personRow, error) {
	invited, err := s.invitationStatus(ctx)
	if err != nil {
		return nil, err
	}
	users, err := s.usersByEmail(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]personRow, 0, len(people))
	for _, p := range people {
		email := strings.ToLower(p.Email)
		row := personRow{Person: p, Invitation: invited[email], Initials: initials(p), Colour: avatarColour(email + p.ResourceName)}
		if u, ok := users[email]; ok && email != "" {
			row.User = &u
		}
		out = append(out, row)
	}
	return out, nil
}

// usersByEmail maps each user's lower-cased email to them.
func (s *Server) usersByEmail(ctx context.Context) (map[string]identity.User, error) {
	list, err := s.deps.Users.Users(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing users: %w", err)
	}
	out := make(map[string]identity.User, len(list))
	for _, u := range list {
		out[strings.ToLower(u.Email)] = u
	}
	return out, nil
}

// invitationStatus maps each invited email, lower-cased, to where its
// latest invitation stands.
func (s *Server) invitationStatus(ctx context.Context) (map[string]invite.Status, error) {
	list, err := s.deps.Invitations.List(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing invitations: %w", err)
	}
	out := make(map[string]invite.Status, len(list))
	for _, inv := range list { // newest first: keep the first seen
		if e := strings.ToLower(inv.Email); out[e] == "" {
			out[e] = inv.Status
		}
	}
	return out, nil
}

// initials returns the first letters of the first and last words of a
// person's name, upper-cased, or the first letter of their email; "?"
// when there is neither.
func initials(p directory.Person) string {
	words := strings.FieldsFunc(p.Name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	first := func(w string) string {
		for _, r := range w {
			return string(unicode.ToUpper(r))
		}
		return ""
	}
	switch {
	case len(words) >= 2:
		return first(words[0]) + first(words[len(words)-1])
	case len(words) == 1:
		return first(words[0])
	case p.Email != "":
		return first(p.Email)
	}
	return "?"
}

// avatarColour picks one of avatarColours from a person's key, always
// the same for the same key.
func avatarColour(key string) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(key)) // a hash never fails to write
	return int(h.Sum32() % avatarColours)
}
