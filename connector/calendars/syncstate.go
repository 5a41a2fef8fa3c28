package calendars

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// deleteChunk bounds the ids one DELETE names, to stay far below both
// engines' limits on bound parameters.
const deleteChunk = 200

// syncState is what the last sync of a linked calendar left.
type syncState struct {
	token      string
	fullSyncAt time.Time
}

// state returns the sync state of a linked calendar, or ErrNotFound when it
// is not linked.
func (s *Store) state(ctx context.Context, userID, calendarID string) (syncState, error) {
	var st syncState
	var full int64
	err := s.db.QueryRow(ctx, "SELECT sync_token, full_sync_at FROM calendar_links WHERE user_id = ? AND calendar_id = ?",
		userID, calendarID).Scan(&st.token, &full)
	if err != nil {
		return st, fmt.Errorf("reading sync state of calendar %s: %w", calendarID, notFound(err))
	}
	st.fullSyncAt = sqldb.FromMicros(full)
	return st, nil
}

// changes is what one sync of a calendar fetched.
type changes struct {
	// full replaces the calendar's meetings with upserts.
	full bool
	// upserts are the meetings to store; cancelled the event ids to remove
	// with the instances of a recurring event of that id; removed the ids of
	// events that left the window.
	upserts            []Meeting
	cancelled, removed []string
	// at is when the sync ran; from is the start of its window: meetings
	// that ended by then go.
	at, from time.Time
	// token is the nextSyncToken.
	token string
	// summary and zone are the calendar's name and time zone as Google
	// returned them, "" when it did not.
	summary, zone string
}

// apply writes a calendar's sync in one transaction and returns how many
// meetings were stored and removed. The calendar must still be linked, and
// the user's grant not revoked: otherwise it writes nothing and returns an
// error wrapping ErrNotFound or grant.ErrRevoked.
func (s *Store) apply(ctx context.Context, userID, calendarID string, c changes) (stored, removed int, err error) {
	now := c.at.UnixMicro()
	err = grant.WriteFetched(ctx, s.db, userID, func(tx *sqldb.Tx) error {
		stored, removed = 0, 0
		res, err := tx.Exec(ctx, `UPDATE calendar_links SET sync_token = ?, synced_at = ?, sync_error = '', sync_error_detail = '',
				full_sync_at = CASE WHEN ? = 1 THEN ? ELSE full_sync_at END,
				summary = COALESCE(NULLIF(?, ''), summary), time_zone = COALESCE(NULLIF(?, ''), time_zone)
			WHERE user_id = ? AND calendar_id = ?`, c.token, now, boolInt(c.full), now, c.summary, c.zone, userID, calendarID)
		if err != nil {
			return fmt.Errorf("saving sync state: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return fmt.Errorf("calendar %s: %w", calendarID, ErrNotFound)
		}
		del := func(query string, args ...any) error {
			res, err := tx.Exec(ctx, query, args...)
			if err != nil {
				return fmt.Errorf("removing meetings: %w", err)
			}
			n, err := res.RowsAffected()
			removed += int(n)
			return err
		}
		if c.full {
			gone, err := missing(ctx, tx, userID, calendarID, c.upserts)
			if err != nil {
				return err
			}
			for len(gone) > 0 {
				n := min(len(gone), deleteChunk)
				args := []any{userID}
				for _, id := range gone[:n] {
					args = append(args, id)
				}
				if err := del("DELETE FROM meetings WHERE user_id = ? AND id IN (?"+strings.Repeat(", ?", n-1)+")", args...); err != nil {
					return err
				}
				gone = gone[n:]
			}
		}
		for _, id := range c.cancelled {
			prefix := id + "_" // Instances of a recurring event: "<id>_<start>".
			if err := del(`DELETE FROM meetings WHERE user_id = ? AND calendar_id = ? AND (event_id = ? OR substr(event_id, 1, ?) = ?)`,
				userID, calendarID, id, len(prefix), prefix); err != nil {
				return err
			}
		}
		for _, id := range c.removed {
			if err := del("DELETE FROM meetings WHERE user_id = ? AND calendar_id = ? AND event_id = ?", userID, calendarID, id); err != nil {
				return err
			}
		}
		if err := del("DELETE FROM meetings WHERE user_id = ? AND calendar_id = ? AND end_at <= ?", userID, calendarID, c.from.UnixMicro()); err != nil {
			return err
		}
		for _, m := range c.upserts {
			if err := upsert(ctx, tx, userID, m); err != nil {
				return err
			}
			stored++
		}
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("storing sync of calendar %s for %s: %w", calendarID, userID, err)
	}
	return stored, removed, nil
}

// missing returns the ids of the calendar's stored meetings that are not
// among keep: those a full sync did not return.
func missing(ctx context.Context, tx *sqldb.Tx, userID, calendarID string, keep []Meeting) ([]string, error) {
	kept := make(map[string]bool, len(keep))
	for _, m := range keep {
		kept[m.ID] = true
	}
	rows, err := tx.Query(ctx, "SELECT id FROM meetings WHERE user_id = ? AND calendar_id = ?", userID, calendarID)
	if err != nil {
		return nil, fmt.Errorf("listing stored meetings: %w", err)
	}
	defer rows.Close()
	var gone []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("listing stored meetings: %w", err)
		}
		if !kept[id] {
			gone = append(gone, id)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing stored meetings: %w", err)
	}
	return gone, nil
}

// upsert stores one meeting.
func upsert(ctx context.Context, tx *sqldb.Tx, userID string, m Meeting) error {
	attendees, err := json.Marshal(nonNil(m.Attendees))
	if err != nil {
		return fmt.Errorf("encoding attendees: %w", err)
	}
	attachments, err := json.Marshal(nonNil(m.Attachments))
	if err != nil {
		return fmt.Errorf("encoding attachments: %w", err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO meetings (user_id, id, calendar_id, event_id, title, status, start_at, end_at, all_day,
			meet_code, organizer, attendees, attachments)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (user_id, id) DO UPDATE SET title = excluded.title, status = excluded.status,
			start_at = excluded.start_at, end_at = excluded.end_at, all_day = excluded.all_day,
			meet_code = excluded.meet_code, organizer = excluded.organizer, attendees = excluded.attendees,
			attachments = excluded.attachments`,
		userID, m.ID, m.CalendarID, m.EventID, m.Title, m.Status, m.Start.UnixMicro(), m.End.UnixMicro(), boolInt(m.AllDay),
		m.MeetCode, m.Organizer, string(attendees), string(attachments))
	if err != nil {
		return fmt.Errorf("storing meeting %s: %w", m.EventID, err)
	}
	return nil
}

// recordFailure keeps the code and detail of the failure of a calendar's
// sync, for the pages. The stored meetings and sync token stay. It needs no
// grant check: it only updates a link, so it cannot bring back a link that a
// purge removed.
func (s *Store) recordFailure(ctx context.Context, userID, calendarID string, f googlehttp.Failure) error {
	if _, err := s.db.Exec(ctx, "UPDATE calendar_links SET sync_error = ?, sync_error_detail = ? WHERE user_id = ? AND calendar_id = ?",
		f.Code, f.Detail, userID, calendarID); err != nil {
		return fmt.Errorf("recording sync failure of calendar %s: %w", calendarID, err)
	}
	return nil
}

// nonNil returns s, or an empty slice for nil, so that JSON holds [].
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
