package calendars

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// Store keeps the linked calendars and their meetings in the database.
type Store struct {
	db  *sqldb.DB
	now func() time.Time
}

// NewStore returns a Store on db. now is the clock that places the sync
// window; nil means time.Now.
func NewStore(db *sqldb.DB, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{db: db, now: now}
}

// Window returns the current sync window: see Window.
func (s *Store) Window() (from, to time.Time) { return Window(s.now()) }

// meetingColumns are the columns scanMeeting reads, in order.
const meetingColumns = `id, calendar_id, event_id, title, status, start_at, end_at, all_day, meet_code, organizer, attendees, attachments`

// Meetings returns the user's meetings that overlap [from, to), by start
// time. A meeting found on several linked calendars is listed once, from the
// first calendar in id order.
func (s *Store) Meetings(ctx context.Context, userID string, from, to time.Time) ([]Meeting, error) {
	rows, err := s.db.Query(ctx, `SELECT `+meetingColumns+` FROM meetings
		WHERE user_id = ? AND end_at > ? AND start_at < ? ORDER BY start_at, event_id, calendar_id`,
		userID, sqldb.Micros(from), sqldb.Micros(to))
	if err != nil {
		return nil, fmt.Errorf("listing meetings of %s: %w", userID, err)
	}
	defer rows.Close()
	var out []Meeting
	seen := map[string]bool{}
	for rows.Next() {
		m, err := scanMeeting(rows)
		if err != nil {
			return nil, fmt.Errorf("listing meetings of %s: %w", userID, err)
		}
		if !seen[m.EventID] {
			seen[m.EventID] = true
			out = append(out, m)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing meetings of %s: %w", userID, err)
	}
	return out, nil
}

// Meeting returns one of the user's meetings by its ID, or an error wrapping
// ErrNotFound.
func (s *Store) Meeting(ctx context.Context, userID, id string) (Meeting, error) {
	m, err := scanMeeting(s.db.QueryRow(ctx, `SELECT `+meetingColumns+` FROM meetings WHERE user_id = ? AND id = ?`, userID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Meeting{}, fmt.Errorf("meeting %s of %s: %w", id, userID, ErrNotFound)
	}
	if err != nil {
		return Meeting{}, fmt.Errorf("reading meeting %s of %s: %w", id, userID, err)
	}
	return m, nil
}

// Links returns the user's linked calendars, the primary one first, then by
// summary.
func (s *Store) Links(ctx context.Context, userID string) ([]Link, error) {
	rows, err := s.db.Query(ctx, `SELECT calendar_id, summary, is_primary, access_role, time_zone, linked_at, synced_at, sync_error,
			sync_error_detail
		FROM calendar_links WHERE user_id = ? ORDER BY is_primary DESC, summary, calendar_id`, userID)
	if err != nil {
		return nil, fmt.Errorf("listing calendar links of %s: %w", userID, err)
	}
	defer rows.Close()
	var out []Link
	for rows.Next() {
		var l Link
		var primary int
		var linked, synced int64
		if err := rows.Scan(&l.ID, &l.Summary, &primary, &l.AccessRole, &l.TimeZone, &linked, &synced, &l.SyncError, &l.SyncErrorDetail); err != nil {
			return nil, fmt.Errorf("listing calendar links of %s: %w", userID, err)
		}
		l.Primary, l.LinkedAt, l.SyncedAt = primary == 1, sqldb.FromMicros(linked), sqldb.FromMicros(synced)
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing calendar links of %s: %w", userID, err)
	}
	return out, nil
}

// setLinks makes cals the user's linked calendars: new ones are added,
// kept ones keep their sync state, and the others are removed with their
// meetings. It returns an error wrapping grant.ErrRevoked, changing
// nothing, once the user's grant is revoked.
func (s *Store) setLinks(ctx context.Context, userID string, cals []Calendar) error {
	keep := make(map[string]bool, len(cals))
	for _, c := range cals {
		keep[c.ID] = true
	}
	old, err := s.Links(ctx, userID)
	if err != nil {
		return err
	}
	now := s.now().UnixMicro()
	return grant.WriteFetched(ctx, s.db, userID, func(tx *sqldb.Tx) error {
		for _, l := range old {
			if keep[l.ID] {
				continue
			}
			if _, err := tx.Exec(ctx, "DELETE FROM meetings WHERE user_id = ? AND calendar_id = ?", userID, l.ID); err != nil {
				return fmt.Errorf("removing meetings of calendar %s: %w", l.ID, err)
			}
			if _, err := tx.Exec(ctx, "DELETE FROM calendar_links WHERE user_id = ? AND calendar_id = ?", userID, l.ID); err != nil {
				return fmt.Errorf("unlinking calendar %s: %w", l.ID, err)
			}
		}
		for _, c := range cals {
			if err := insertLink(ctx, tx, userID, c, now, `ON CONFLICT (user_id, calendar_id) DO UPDATE SET summary = excluded.summary,
				access_role = excluded.access_role, time_zone = COALESCE(NULLIF(excluded.time_zone, ''), calendar_links.time_zone)`); err != nil {
				return err
			}
		}
		return nil
	})
}

// linkIfNone links c when the user has no linked calendar, and reports
// whether it did. It returns an error wrapping grant.ErrRevoked, changing
// nothing, once the user's grant is revoked.
func (s *Store) linkIfNone(ctx context.Context, userID string, c Calendar) (linked bool, err error) {
	err = grant.WriteFetched(ctx, s.db, userID, func(tx *sqldb.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM calendar_links WHERE user_id = ?", userID).Scan(&n); err != nil {
			return fmt.Errorf("counting linked calendars: %w", err)
		}
		if n > 0 {
			return nil
		}
		linked = true
		return insertLink(ctx, tx, userID, c, s.now().UnixMicro(), "ON CONFLICT (user_id, calendar_id) DO NOTHING")
	})
	if err != nil {
		return false, fmt.Errorf("linking calendar %s for %s: %w", c.ID, userID, err)
	}
	return linked, nil
}

// insertLink inserts the link of calendar c, linked at now (micros), with
// onConflict saying what to do when it is linked already.
func insertLink(ctx context.Context, tx *sqldb.Tx, userID string, c Calendar, now int64, onConflict string) error {
	if _, err := tx.Exec(ctx, `INSERT INTO calendar_links (user_id, calendar_id, summary, is_primary, access_role, time_zone, linked_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) `+onConflict,
		userID, c.ID, c.Summary, boolInt(c.Primary), c.AccessRole, c.TimeZone, now); err != nil {
		return fmt.Errorf("linking calendar %s: %w", c.ID, err)
	}
	return nil
}

// PurgeName names the calendars and meetings in revocation reports and audit
// entries, as revoke.Purger asks.
func (s *Store) PurgeName() string { return "calendars" }

// Purge removes everything stored for the user: linked calendars and
// meetings. It returns the number of rows removed.
func (s *Store) Purge(ctx context.Context, userID string) (int64, error) {
	var n int64
	err := s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		for _, table := range []string{"meetings", "calendar_links"} {
			res, err := tx.Exec(ctx, "DELETE FROM "+table+" WHERE user_id = ?", userID)
			if err != nil {
				return fmt.Errorf("purging %s: %w", table, err)
			}
			rows, err := res.RowsAffected()
			if err != nil {
				return fmt.Errorf("purging %s: %w", table, err)
			}
			n += rows
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("purging calendars of %s: %w", userID, err)
	}
	return n, nil
}

// meetingID derives a meeting's opaque id from its calendar and event ids.
func meetingID(calendarID, eventID string) string {
	sum := sha256.Sum256([]byte(calendarID + "\n" + eventID))
	return hex.EncodeToString(sum[:16])
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// scanMeeting reads the meetingColumns of a row.
func scanMeeting(r scanner) (Meeting, error) {
	var m Meeting
	var start, end int64
	var allDay int
	var attendees, attachments string
	if err := r.Scan(&m.ID, &m.CalendarID, &m.EventID, &m.Title, &m.Status, &start, &end, &allDay, &m.MeetCode,
		&m.Organizer, &attendees, &attachments); err != nil {
		return Meeting{}, err
	}
	m.Start, m.End, m.AllDay = sqldb.FromMicros(start), sqldb.FromMicros(end), allDay == 1
	if err := json.Unmarshal([]byte(attendees), &m.Attendees); err != nil {
		return Meeting{}, fmt.Errorf("decoding attendees of meeting %s: %w", m.ID, err)
	}
	if err := json.Unmarshal([]byte(attachments), &m.Attachments); err != nil {
		return Meeting{}, fmt.Errorf("decoding attachments of meeting %s: %w", m.ID, err)
	}
	if len(m.Attendees) == 0 {
		m.Attendees = nil
	}
	if len(m.Attachments) == 0 {
		m.Attachments = nil
	}
	return m, nil
}

// boolInt stores a bool as INTEGER 0/1.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// notFound turns sql.ErrNoRows into ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}
