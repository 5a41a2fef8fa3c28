package calendars

import (
	"context"
	"fmt"
	"time"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// progressStale is how long a requested sync may go unfinished before its
// progress is no longer shown: past it the job has given up or died, and
// the page shows the calendars' state as it stands.
const progressStale = 30 * time.Minute

// requestSync records that a person asked, now, for a sync of the user's
// linked calendars, so that SyncProgress follows it.
func (s *Store) requestSync(ctx context.Context, userID string) error {
	if _, err := s.db.Exec(ctx, "UPDATE calendar_links SET sync_requested_at = ? WHERE user_id = ?",
		s.now().UnixMicro(), userID); err != nil {
		return fmt.Errorf("recording the sync request of %s: %w", userID, err)
	}
	return nil
}

// markAttempted records that a sync that began at start finished with the
// user's calendar calendarID, or with every linked calendar for "".
func (s *Store) markAttempted(ctx context.Context, userID, calendarID string, start time.Time) error {
	query, args := "UPDATE calendar_links SET sync_attempted_at = ? WHERE user_id = ? AND sync_attempted_at < ?",
		[]any{start.UnixMicro(), userID, start.UnixMicro()}
	if calendarID != "" {
		query, args = query+" AND calendar_id = ?", append(args, calendarID)
	}
	if _, err := s.db.Exec(ctx, query, args...); err != nil {
		return fmt.Errorf("recording the sync of calendar %q of %s: %w", calendarID, userID, err)
	}
	return nil
}

// SyncProgress says how far the last sync a person asked for has gone: it
// is running while a linked calendar's request is newer than the start of
// the last sync that finished with it, for at most 30 minutes.
func (s *Store) SyncProgress(ctx context.Context, userID string) (Progress, error) {
	rows, err := s.db.Query(ctx, "SELECT sync_requested_at, sync_attempted_at FROM calendar_links WHERE user_id = ?", userID)
	if err != nil {
		return Progress{}, fmt.Errorf("reading the sync progress of %s: %w", userID, err)
	}
	defer rows.Close()
	var p Progress
	stale := s.now().Add(-progressStale)
	for rows.Next() {
		var requested, attempted int64
		if err := rows.Scan(&requested, &attempted); err != nil {
			return Progress{}, fmt.Errorf("reading the sync progress of %s: %w", userID, err)
		}
		p.Calendars++
		switch {
		case attempted >= requested:
			p.Synced++
		case sqldb.FromMicros(requested).After(stale):
			p.Running = true
		}
	}
	if err := rows.Err(); err != nil {
		return Progress{}, fmt.Errorf("reading the sync progress of %s: %w", userID, err)
	}
	return p, nil
}
