package directory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// status returns what the page shows about a user's copy.
func (s *store) status(ctx context.Context, userID string) (Status, error) {
	var st Status
	var gen, lastSync, lastFull, lastErrAt int64
	var r run
	err := s.db.QueryRow(ctx, `SELECT generation, people, last_sync_at, last_full_at, last_error, last_error_detail,
		last_error_at, requested_at, run_started_at, run_progress_at, run_fetched, run_expected, run_ended_at FROM directory_syncs WHERE owner_id = ?`,
		userID).Scan(&gen, &st.People, &lastSync, &lastFull, &st.LastError, &st.LastErrorDetail, &lastErrAt,
		&r.requested, &r.started, &r.progressed, &r.fetched, &r.expected, &r.ended)
	if errors.Is(err, sql.ErrNoRows) {
		return Status{}, nil
	}
	if err != nil {
		return Status{}, fmt.Errorf("reading directory status of %s: %w", userID, err)
	}
	st.Synced = gen > 0
	st.LastSync, st.LastFull, st.LastErrorAt = sqldb.FromMicros(lastSync), sqldb.FromMicros(lastFull), sqldb.FromMicros(lastErrAt)
	r.describe(&st, s.now())
	return st, nil
}
