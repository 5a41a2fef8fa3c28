package grant

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// listAll returns every grant, ordered by user id, with three queries
// whatever the number of users: the grants, then all their scopes, then all
// the suspensions.
func listAll(ctx context.Context, q sqldb.Querier) ([]Grant, error) {
	rows, err := q.Query(ctx, "SELECT user_id, client_id, status, reason, granted_at, updated_at FROM grants")
	if err != nil {
		return nil, fmt.Errorf("listing grants: %w", err)
	}
	defer rows.Close()
	var out []Grant
	for rows.Next() {
		var g Grant
		var granted, updated int64
		if err := rows.Scan(&g.UserID, &g.ClientID, &g.Status, &g.Reason, &granted, &updated); err != nil {
			return nil, fmt.Errorf("listing grants: %w", err)
		}
		g.GrantedAt, g.UpdatedAt = sqldb.FromMicros(granted), sqldb.FromMicros(updated)
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing grants: %w", err)
	}
	rows.Close()
	// Sort in Go: database collations disagree on byte order.
	slices.SortFunc(out, func(a, b Grant) int { return cmp.Compare(a.UserID, b.UserID) })
	byUser := make(map[string]*Grant, len(out))
	for i := range out {
		byUser[out[i].UserID] = &out[i]
	}
	if err := listScopes(ctx, q, byUser); err != nil {
		return nil, err
	}
	if err := listSuspensions(ctx, q, byUser); err != nil {
		return nil, err
	}
	for i := range out {
		g := &out[i]
		slices.SortFunc(g.Granted, func(a, b ScopeGrant) int { return cmp.Compare(a.Scope, b.Scope) })
		for _, sg := range g.Granted {
			g.Scopes = append(g.Scopes, sg.Scope)
		}
		slices.Sort(g.Suspended)
	}
	return out, nil
}

// listScopes adds every granted scope to its grant in byUser. Scopes of a
// grant recorded after the grants were read are left out.
func listScopes(ctx context.Context, q sqldb.Querier, byUser map[string]*Grant) error {
	rows, err := q.Query(ctx, "SELECT user_id, scope, client_id, granted_at FROM grant_scopes")
	if err != nil {
		return fmt.Errorf("listing granted scopes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var userID string
		var sg ScopeGrant
		var at int64
		if err := rows.Scan(&userID, &sg.Scope, &sg.ClientID, &at); err != nil {
			return fmt.Errorf("listing granted scopes: %w", err)
		}
		if g, ok := byUser[userID]; ok {
			sg.GrantedAt = sqldb.FromMicros(at)
			g.Granted = append(g.Granted, sg)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("listing granted scopes: %w", err)
	}
	return nil
}

// listSuspensions adds every suspended scope to its grant in byUser.
func listSuspensions(ctx context.Context, q sqldb.Querier, byUser map[string]*Grant) error {
	rows, err := q.Query(ctx, "SELECT user_id, scope FROM grant_suspensions")
	if err != nil {
		return fmt.Errorf("listing suspensions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var userID, scope string
		if err := rows.Scan(&userID, &scope); err != nil {
			return fmt.Errorf("listing suspensions: %w", err)
		}
		if g, ok := byUser[userID]; ok {
			g.Suspended = append(g.Suspended, scope)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("listing suspensions: %w", err)
	}
	return nil
}
