package directory

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"google.golang.org/api/googleapi"
	"google.golang.org/api/people/v1"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/retry"
	"github.com/scopetrail/scopetrail/scopes"
)

// Search asks Google's directory for the people whose names or emails start
// with the words of query, for the picker: it needs no copy. It returns at
// most SearchPageSize people, in Google's order, and ErrEmptyQuery for a
// blank query.
func (s *Syncer) Search(ctx context.Context, userID, query string) ([]Person, error) {
	query = strings.TrimSpace(query)
	if query == "" {
		return nil, ErrEmptyQuery
	}
	ctx = googlehttp.WithPurpose(ctx, scopes.PurposeInvite)
	svc, err := s.service(ctx, userID)
	if err != nil {
		return nil, err
	}
	var resp *people.SearchDirectoryPeopleResponse
	err = retry.Do(ctx, s.retry, func(ctx context.Context) error {
		var err error
		resp, err = svc.People.SearchDirectoryPeople().Query(query).Sources(SourceDomainProfile).ReadMask(ReadMask).
			PageSize(SearchPageSize).Fields(googleapi.Field("people(" + personFields + ")")).Context(ctx).Do()
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("searching the directory for %s: %w", userID, err)
	}
	out := make([]Person, 0, len(resp.People))
	for _, p := range resp.People {
		if p.Metadata == nil || !p.Metadata.Deleted {
			out = append(out, fromAPI(p))
		}
	}
	return out, nil
}

// find searches a user's copy: see Syncer.People.
func (s *store) find(ctx context.Context, userID, query string, limit int) ([]Person, error) {
	var q strings.Builder
	q.WriteString(`SELECT p.resource_name, p.display_name, p.email FROM directory_people p
		JOIN directory_syncs s ON s.owner_id = p.owner_id AND s.generation = p.generation WHERE p.owner_id = ?`)
	args := []any{userID}
	for _, w := range strings.Fields(strings.ToLower(query)) {
		q.WriteString(` AND p.search_text LIKE ? ESCAPE '\'`)
		args = append(args, "% "+escapeLike(w)+"%")
	}
	q.WriteString(" ORDER BY p.sort_key, p.resource_name")
	if limit > 0 {
		q.WriteString(" LIMIT ?")
		args = append(args, limit)
	}
	rows, err := s.db.Query(ctx, q.String(), args...)
	if err != nil {
		return nil, fmt.Errorf("searching the directory copy of %s: %w", userID, err)
	}
	defer rows.Close()
	var out []Person
	for rows.Next() {
		var p Person
		if err := rows.Scan(&p.ResourceName, &p.Name, &p.Email); err != nil {
			return nil, fmt.Errorf("reading the directory copy of %s: %w", userID, err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the directory copy of %s: %w", userID, err)
	}
	return out, nil
}

// escapeLike escapes the LIKE wildcards of s with a backslash.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// sortKey orders people by name, then email.
func sortKey(p Person) string {
	return strings.ToLower(p.Name) + " " + strings.ToLower(p.Email)
}

// searchText holds the words a local search matches by prefix: those of the
// name, the email, its local part and the pieces of the local part, each
// preceded by a space.
func searchText(p Person) string {
	local, _, _ := strings.Cut(p.Email, "@")
	words := strings.Fields(strings.ToLower(p.Name + " " + p.Email + " " + local))
	words = append(words, strings.FieldsFunc(strings.ToLower(local), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})...)
	return " " + strings.Join(words, " ")
}

// fromAPI keeps of a Person what the page shows: the primary (or first)
// name and email. The page draws initials, not photos, so none is asked
// for.
func fromAPI(p *people.Person) Person {
	out := Person{ResourceName: p.ResourceName}
	if n := primary(p.Names, func(n *people.Name) *people.FieldMetadata { return n.Metadata }); n != nil {
		out.Name = n.DisplayName
	}
	if e := primary(p.EmailAddresses, func(e *people.EmailAddress) *people.FieldMetadata { return e.Metadata }); e != nil {
		out.Email = strings.ToLower(e.Value)
	}
	return out
}

// primary returns the item marked primary, else the first, else nil.
func primary[T any](items []*T, meta func(*T) *people.FieldMetadata) *T {
	for _, it := range items {
		if m := meta(it); m != nil && m.Primary {
			return it
		}
	}
	if len(items) > 0 {
		return items[0]
	}
	return nil
}
