package directory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// insertChunk bounds the rows of one INSERT, to stay far below both
// engines' limits on bound parameters.
const insertChunk = 200

// peopleColumns are the columns written for each person. photo_url, from
// the days the page showed Google's photos, is always written empty.
const peopleColumns = "owner_id, generation, resource_name, display_name, email, photo_url, sort_key, search_text"

// store keeps the copies in the database.
type store struct {
	db  *sqldb.DB
	now func() time.Time
}

// syncState is a user's row of directory_syncs.
type syncState struct {
	generation int64
	token      string
}

// state returns a user's live generation and sync token; the zero state
// when the user never synced.
func (s *store) state(ctx context.Context, userID string) (syncState, error) {
	var st syncState
	err := s.db.QueryRow(ctx, "SELECT generation, sync_token FROM directory_syncs WHERE owner_id = ?", userID).
		Scan(&st.generation, &st.token)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return st, fmt.Errorf("reading directory sync state of %s: %w", userID, err)
	}
	return st, nil
}

// beginStaging reserves a new generation for a full sync of a user's copy.
func (s *store) beginStaging(ctx context.Context, userID string) (int64, error) {
	var gen int64
	err := grant.WriteFetched(ctx, s.db, userID, func(tx *sqldb.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO directory_syncs (owner_id) VALUES (?) ON CONFLICT (owner_id) DO NOTHING`, userID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE directory_syncs SET next_generation = next_generation + 1 WHERE owner_id = ?`, userID); err != nil {
			return err
		}
		return tx.QueryRow(ctx, "SELECT next_generation FROM directory_syncs WHERE owner_id = ?", userID).Scan(&gen)
	})
	if err != nil {
		return 0, fmt.Errorf("starting a directory copy for %s: %w", userID, err)
	}
	return gen, nil
}

// insert writes people into a generation of a user's copy, and counts
// them into the running sync's progress, in one transaction. A person
// listed twice keeps the last version. It returns an
// error wrapping grant.ErrRevoked, writing nothing, once the user's grant is
// revoked.
func (s *store) insert(ctx context.Context, userID string, gen int64, people []Person) error {
	return grant.WriteFetched(ctx, s.db, userID, func(tx *sqldb.Tx) error {
		if err := upsert(ctx, tx, userID, gen, people); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, advanceSync, len(people), sqldb.Micros(s.now()), userID)
		return advanceErr(userID, err)
	})
}

// upsert writes people into a generation, replacing those already there.
func upsert(ctx context.Context, tx *sqldb.Tx, userID string, gen int64, people []Person) error {
	people = dedupe(people)
	for len(people) > 0 {
		n := min(len(people), insertChunk)
		var q strings.Builder
		q.WriteString("INSERT INTO directory_people (" + peopleColumns + ") VALUES ")
		args := make([]any, 0, n*8)
		for i, p := range people[:n] {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, userID, gen, p.ResourceName, p.Name, p.Email, "", sortKey(p), searchText(p))
		}
		q.WriteString(` ON CONFLICT (owner_id, generation, resource_name) DO UPDATE SET display_name = excluded.display_name,
			email = excluded.email, photo_url = excluded.photo_url, sort_key = excluded.sort_key, search_text = excluded.search_text`)
		if _, err := tx.Exec(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("writing %d directory people of %s: %w", n, userID, err)
		}
		people = people[n:]
	}
	return nil
}

// dedupe keeps the last of the people that share a resource name, as one
// INSERT must not touch a row twice.
func dedupe(people []Person) []Person {
	seen := make(map[string]int, len(people))
	out := make([]Person, 0, len(people))
	for _, p := range people {
		if i, ok := seen[p.ResourceName]; ok {
			out[i] = p
			continue
		}
		seen[p.ResourceName] = len(out)
		out = append(out, p)
	}
	return out
}

// drop deletes a generation that was not swapped in.
func (s *store) drop(ctx context.Context, userID string, gen int64) error {
	if _, err := s.db.Exec(ctx, "DELETE FROM directory_people WHERE owner_id = ? AND generation = ?", userID, gen); err != nil {
		return fmt.Errorf("dropping directory copy %d of %s: %w", gen, userID, err)
	}
	return nil
}

// swap makes a fully written generation the live copy, with the sync token
// of its last page, and deletes the older generations, in one transaction.
// A generation older than the live one (a newer full sync finished first)
// is dropped instead; swap then reports false.
func (s *store) swap(ctx context.Context, userID string, gen int64, token string) (int64, bool, error) {
	var count int64
	swapped := false
	err := grant.WriteFetched(ctx, s.db, userID, func(tx *sqldb.Tx) error {
		var live int64
		if err := tx.QueryRow(ctx, "SELECT generation FROM directory_syncs WHERE owner_id = ?", userID).Scan(&live); err != nil {
			return err
		}
		if gen < live {
			_, err := tx.Exec(ctx, "DELETE FROM directory_people WHERE owner_id = ? AND generation = ?", userID, gen)
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM directory_people WHERE owner_id = ? AND generation < ?", userID, gen); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM directory_people WHERE owner_id = ? AND generation = ?", userID, gen).Scan(&count); err != nil {
			return err
		}
		now := sqldb.Micros(s.now())
		swapped = true
		_, err := tx.Exec(ctx, `UPDATE directory_syncs SET generation = ?, sync_token = ?, people = ?, last_sync_at = ?,
			last_full_at = ?, last_error = '', last_error_detail = '', last_error_at = 0 WHERE owner_id = ?`, gen, token, count, now, now, userID)
		return err
	})
	if err != nil {
		return 0, false, fmt.Errorf("swapping in directory copy %d of %s: %w", gen, userID, err)
	}
	return count, swapped, nil
}

// changes are the people an incremental sync saw.
type changes struct {
	put     []Person
	removed []string // resource names
}

// apply writes the changes of an incremental sync into the live copy and
// stores the new sync token, in one transaction, provided the copy is still
// at the token the changes were asked from. It reports false, writing
// nothing, when another sync moved the copy on meanwhile.
func (s *store) apply(ctx context.Context, userID string, from syncState, c changes, token string) (int64, bool, error) {
	var count int64
	applied := false
	err := grant.WriteFetched(ctx, s.db, userID, func(tx *sqldb.Tx) error {
		var cur syncState
		if err := tx.QueryRow(ctx, "SELECT generation, sync_token FROM directory_syncs WHERE owner_id = ?", userID).
			Scan(&cur.generation, &cur.token); err != nil {
			return err
		}
		if cur != from {
			return nil
		}
		if err := upsert(ctx, tx, userID, from.generation, c.put); err != nil {
			return err
		}
		for removed := c.removed; len(removed) > 0; {
			n := min(len(removed), insertChunk)
			args := []any{userID, from.generation}
			for _, rn := range removed[:n] {
				args = append(args, rn)
			}
			if _, err := tx.Exec(ctx, "DELETE FROM directory_people WHERE owner_id = ? AND generation = ? AND resource_name IN (?"+
				strings.Repeat(", ?", n-1)+")", args...); err != nil {
				return err
			}
			removed = removed[n:]
		}
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM directory_people WHERE owner_id = ? AND generation = ?",
			userID, from.generation).Scan(&count); err != nil {
			return err
		}
		applied = true
		_, err := tx.Exec(ctx, `UPDATE directory_syncs SET sync_token = ?, people = ?, last_sync_at = ?, last_error = '',
			last_error_detail = '', last_error_at = 0 WHERE owner_id = ?`, token, count, sqldb.Micros(s.now()), userID)
		return err
	})
	if err != nil {
		return 0, false, fmt.Errorf("applying directory changes for %s: %w", userID, err)
	}
	return count, applied, nil
}

// fail records the code and detail of the failure of a user's latest sync.
// The copy stays. Nothing is
// recorded for a user whose grant is revoked: the error wraps
// grant.ErrRevoked.
func (s *store) fail(ctx context.Context, userID string, f googlehttp.Failure) error {
	err := grant.WriteFetched(ctx, s.db, userID, func(tx *sqldb.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO directory_syncs (owner_id, last_error, last_error_detail, last_error_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (owner_id) DO UPDATE SET last_error = excluded.last_error, last_error_detail = excluded.last_error_detail,
				last_error_at = excluded.last_error_at`,
			userID, f.Code, f.Detail, sqldb.Micros(s.now()))
		return err
	})
	if err != nil {
		return fmt.Errorf("recording a failed directory sync of %s: %w", userID, err)
	}
	return nil
}

// owners returns the users whose copy is live.
func (s *store) owners(ctx context.Context) ([]string, error) {
	rows, err := s.db.Query(ctx, "SELECT owner_id FROM directory_syncs WHERE generation > 0 ORDER BY owner_id")
	if err != nil {
		return nil, fmt.Errorf("listing directory copies: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("listing directory copies: %w", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing directory copies: %w", err)
	}
	return out, nil
}

// purge deletes a user's copy, every staged generation and the sync state.
func (s *store) purge(ctx context.Context, userID string) (int64, error) {
	var n int64
	err := s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		for _, q := range []string{"DELETE FROM directory_people WHERE owner_id = ?", "DELETE FROM directory_syncs WHERE owner_id = ?"} {
			res, err := tx.Exec(ctx, q, userID)
			if err != nil {
				return err
			}
			k, err := res.RowsAffected()
			if err != nil {
				return err
			}
			n += k
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("purging the directory copy of %s: %w", userID, err)
	}
	return n, nil
}
