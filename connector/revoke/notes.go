package revoke

import (
	"context"
	"fmt"
	"time"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// Suspension says who suspended one scope of a user, when and why.
type Suspension struct {
	UserID, Scope string
	// By is who suspended it. When By.ID is the user's own id, the user
	// turned a feature off (TurnOff) or dropped a scope their role does
	// not need, and may turn it on again; otherwise an admin suspended it.
	By Actor
	At time.Time
	// Reason is what was given, as CleanNote made it; it may be empty.
	Reason string
}

// ByUser reports whether the user suspended the scope themselves.
func (s Suspension) ByUser() bool { return s.By.ID == s.UserID }

// note records who suspended a scope, when and why; the latest suspension
// of a scope replaces an earlier note.
func (s *Service) note(ctx context.Context, userID, scope string, by Actor, reason string) error {
	_, err := s.o.DB.Exec(ctx, `INSERT INTO suspension_notes (user_id, scope, by_id, by_email, reason, suspended_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (user_id, scope) DO UPDATE SET by_id = excluded.by_id, by_email = excluded.by_email,
			reason = excluded.reason, suspended_at = excluded.suspended_at`,
		userID, scope, by.ID, by.Email, reason, s.o.Now().UnixMicro())
	if err != nil {
		return fmt.Errorf("noting the suspension of %s for %s: %w", scope, userID, err)
	}
	return nil
}

// unnote forgets the note of a scope whose suspension was lifted.
func (s *Service) unnote(ctx context.Context, userID, scope string) error {
	if _, err := s.o.DB.Exec(ctx, "DELETE FROM suspension_notes WHERE user_id = ? AND scope = ?", userID, scope); err != nil {
		return fmt.Errorf("forgetting the suspension of %s for %s: %w", scope, userID, err)
	}
	return nil
}

// Suspensions returns who suspended which scope of a user, when and why,
// keyed by the scope's full name. A scope suspended before ScopeTrail kept
// these notes has none.
func (s *Service) Suspensions(ctx context.Context, userID string) (map[string]Suspension, error) {
	rows, err := s.o.DB.Query(ctx, `SELECT scope, by_id, by_email, reason, suspended_at FROM suspension_notes
		WHERE user_id = ?`, userID)
	if err != nil {
		return nil, fmt.Errorf("reading the suspensions of %s: %w", userID, err)
	}
	defer rows.Close()
	out := map[string]Suspension{}
	for rows.Next() {
		n := Suspension{UserID: userID}
		var at int64
		if err := rows.Scan(&n.Scope, &n.By.ID, &n.By.Email, &n.Reason, &at); err != nil {
			return nil, fmt.Errorf("reading the suspensions of %s: %w", userID, err)
		}
		n.At = sqldb.FromMicros(at)
		out[n.Scope] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the suspensions of %s: %w", userID, err)
	}
	return out, nil
}
