package grant

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// Store keeps grants in the database.
type Store struct {
	db  *sqldb.DB
	now func() time.Time
}

// NewStore returns a Store on db. now is the clock; nil means time.Now.
func NewStore(db *sqldb.DB, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{db: db, now: now}
}

// Record stores the scopes of a token response for userID: the granted set
// is replaced by granted, and the grant becomes active again. Scopes that
// stay granted keep their first grant time and client. Suspensions stay.
func (s *Store) Record(ctx context.Context, userID, clientID string, granted []string) (Grant, error) {
	if userID == "" {
		return Grant{}, errors.New("grant: recording a grant without a user id")
	}
	set := canonicalSet(granted)
	now := s.now().UnixMicro()
	var g Grant
	err := s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO grants (user_id, client_id, status, reason, granted_at, updated_at)
			VALUES (?, ?, ?, '', ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET client_id = excluded.client_id, status = excluded.status,
				reason = '', updated_at = excluded.updated_at`,
			userID, clientID, StatusActive, now, now); err != nil {
			return fmt.Errorf("upserting grant: %w", err)
		}
		old, err := scopeList(ctx, tx, userID)
		if err != nil {
			return err
		}
		for _, sc := range old {
			if !slices.Contains(set, sc) {
				if _, err := tx.Exec(ctx, "DELETE FROM grant_scopes WHERE user_id = ? AND scope = ?", userID, sc); err != nil {
					return fmt.Errorf("removing scope %s: %w", sc, err)
				}
			}
		}
		for _, sc := range set {
			if _, err := tx.Exec(ctx, `INSERT INTO grant_scopes (user_id, scope, client_id, granted_at) VALUES (?, ?, ?, ?)
				ON CONFLICT (user_id, scope) DO NOTHING`, userID, sc, clientID, now); err != nil {
				return fmt.Errorf("adding scope %s: %w", sc, err)
			}
		}
		g, err = get(ctx, tx, userID)
		return err
	})
	if err != nil {
		return Grant{}, fmt.Errorf("recording grant for %s: %w", userID, err)
	}
	return g, nil
}

// Get returns the grant of userID, or ErrNotFound.
func (s *Store) Get(ctx context.Context, userID string) (Grant, error) {
	g, err := get(ctx, s.db, userID)
	if err != nil {
		return Grant{}, fmt.Errorf("loading grant of %s: %w", userID, err)
	}
	return g, nil
}

// List returns every grant, ordered by user id, in three queries whatever
// the number of users.
func (s *Store) List(ctx context.Context) ([]Grant, error) {
	return listAll(ctx, s.db)
}

// MarkReconnect marks the grant of userID as needing the user to link their
// account again, with a reason. A revoked grant stays revoked. It returns
// ErrNotFound if the user has no grant.
func (s *Store) MarkReconnect(ctx context.Context, userID, reason string) error {
	return s.setStatus(ctx, userID, StatusReconnectNeeded, reason, "status <> 'revoked'")
}

// Revoke marks the grant of userID revoked, with a reason, and in the same
// transaction records the revocation as one to complete: a row of the
// revocations table whose local steps (deleting the tokens, ending the
// sessions, purging the data) are pending, which revoke.Service completes
// even if this process stops right after. A revocation at Google is not
// added here: revoke.Service.Revoke records that step itself, and a
// revocation the door saw at Google needs none. Revoke is idempotent; it
// returns ErrNotFound if the user has no grant.
func (s *Store) Revoke(ctx context.Context, userID, reason string) error {
	now := s.now().UnixMicro()
	err := s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		res, err := tx.Exec(ctx, "UPDATE grants SET status = ?, reason = ?, updated_at = ? WHERE user_id = ?",
			StatusRevoked, reason, now, userID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			_, gerr := get(ctx, tx, userID)
			return cmp.Or(err, gerr)
		}
		// A revocation already recorded keeps its time and its steps. One
		// waiting for Google keeps its schedule too: it is claimed by the
		// revoke.Service.Revoke that recorded it, or in backoff, and its next
		// attempt does the local steps as well. Any other is due now.
		_, err = tx.Exec(ctx, `INSERT INTO revocations (user_id, reason, revoked_at, next_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET local_pending = 1, reason = excluded.reason,
				next_at = CASE WHEN revocations.google_pending = 1 THEN revocations.next_at ELSE excluded.next_at END`,
			userID, reason, now, now)
		return err
	})
	if err != nil {
		return fmt.Errorf("marking grant of %s %s: %w", userID, StatusRevoked, err)
	}
	return nil
}

func (s *Store) setStatus(ctx context.Context, userID string, st Status, reason, cond string) error {
	res, err := s.db.Exec(ctx, "UPDATE grants SET status = ?, reason = ?, updated_at = ? WHERE user_id = ? AND "+cond,
		st, reason, s.now().UnixMicro(), userID)
	if err != nil {
		return fmt.Errorf("marking grant of %s %s: %w", userID, st, err)
	}
	if n, err := res.RowsAffected(); err == nil && n > 0 {
		return nil
	}
	if _, err := s.Get(ctx, userID); err != nil {
		return err
	}
	return nil
}

// Suspend suspends one granted scope of userID locally, so that the policy
// refuses every use of it until Resume. It is idempotent. It returns
// ErrNotFound if the user has no grant and ErrScopeNotGranted if the scope is
// not granted.
func (s *Store) Suspend(ctx context.Context, userID, scope string) error {
	scope = scopes.Canonical(scope)
	return s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		g, err := get(ctx, tx, userID)
		if err != nil {
			return fmt.Errorf("suspending %s for %s: %w", scope, userID, err)
		}
		if !g.Has(scope) {
			return fmt.Errorf("suspending %s for %s: %w", scope, userID, ErrScopeNotGranted)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO grant_suspensions (user_id, scope, suspended_at) VALUES (?, ?, ?)
			ON CONFLICT (user_id, scope) DO NOTHING`, userID, scope, s.now().UnixMicro()); err != nil {
			return fmt.Errorf("suspending %s for %s: %w", scope, userID, err)
		}
		return nil
	})
}

// Resume lifts the suspension of one scope of userID. It is idempotent; it
// returns ErrNotFound if the user has no grant.
func (s *Store) Resume(ctx context.Context, userID, scope string) error {
	scope = scopes.Canonical(scope)
	res, err := s.db.Exec(ctx, "DELETE FROM grant_suspensions WHERE user_id = ? AND scope = ?", userID, scope)
	if err != nil {
		return fmt.Errorf("resuming %s for %s: %w", scope, userID, err)
	}
	if n, err := res.RowsAffected(); err == nil && n > 0 {
		return nil
	}
	if _, err := s.Get(ctx, userID); err != nil {
		return err
	}
	return nil
}

// grantRows reads a grant in one statement, as rows of a kind: the grant
// itself (0: client id, status, reason, granted and updated times), its
// scopes (1: scope, client id, granted time) and its suspensions (2:
// scope). The door reads a grant before every request.
const grantRows = `SELECT 0, client_id, status, reason, granted_at, updated_at FROM grants WHERE user_id = ?
	UNION ALL SELECT 1, scope, client_id, '', granted_at, 0 FROM grant_scopes WHERE user_id = ?
	UNION ALL SELECT 2, scope, '', '', suspended_at, 0 FROM grant_suspensions WHERE user_id = ?`

func get(ctx context.Context, q sqldb.Querier, userID string) (Grant, error) {
	rows, err := q.Query(ctx, grantRows, userID, userID, userID)
	if err != nil {
		return Grant{}, fmt.Errorf("reading the grant: %w", err)
	}
	defer rows.Close()
	g, found := Grant{UserID: userID}, false
	for rows.Next() {
		var kind int
		var a, b, c string
		var at, updated int64
		if err := rows.Scan(&kind, &a, &b, &c, &at, &updated); err != nil {
			return Grant{}, fmt.Errorf("reading the grant: %w", err)
		}
		switch kind {
		case 0:
			found = true
			g.ClientID, g.Status, g.Reason = a, Status(b), c
			g.GrantedAt, g.UpdatedAt = sqldb.FromMicros(at), sqldb.FromMicros(updated)
		case 1:
			g.Granted = append(g.Granted, ScopeGrant{Scope: a, ClientID: b, GrantedAt: sqldb.FromMicros(at)})
		default:
			g.Suspended = append(g.Suspended, a)
		}
	}
	if err := rows.Err(); err != nil {
		return Grant{}, fmt.Errorf("reading the grant: %w", err)
	}
	if !found {
		return Grant{}, ErrNotFound
	}
	// Sort in Go: database collations disagree on byte order.
	slices.SortFunc(g.Granted, func(a, b ScopeGrant) int { return cmp.Compare(a.Scope, b.Scope) })
	for _, sg := range g.Granted {
		g.Scopes = append(g.Scopes, sg.Scope)
	}
	slices.Sort(g.Suspended)
	return g, nil
}

func scopeList(ctx context.Context, q sqldb.Querier, userID string) ([]string, error) {
	out, err := column(ctx, q, "SELECT scope FROM grant_scopes WHERE user_id = ?", userID)
	if err != nil {
		return nil, fmt.Errorf("loading scopes: %w", err)
	}
	return out, nil
}

// column runs a query that returns one text column.
func column(ctx context.Context, q sqldb.Querier, query string, args ...any) ([]string, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// canonicalSet returns scopes in their canonical spelling, sorted, without
// duplicates or empty strings.
func canonicalSet(in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		if s != "" {
			out = append(out, scopes.Canonical(s))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
