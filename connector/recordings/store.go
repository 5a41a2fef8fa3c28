package recordings

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// store keeps the recordings table.
type store struct {
	db  *sqldb.DB
	now func() time.Time
}

// columns are the columns scan reads, in its order.
const columns = `user_id, file_id, kind, name, mime_type, size, md5, created_at, modified_at, meeting_id,
	meet_code, state, reason, reason_detail, bytes_done, transcript_from, found_at, updated_at, progress_ms, audio_ms`

// scan reads one row selected with columns.
func scan(row interface{ Scan(...any) error }) (Recording, error) {
	var r Recording
	var created, modified, found, updated, progress, audio int64
	err := row.Scan(&r.UserID, &r.FileID, &r.Kind, &r.Name, &r.MimeType, &r.Size, &r.MD5, &created, &modified,
		&r.MeetingID, &r.MeetCode, &r.State, &r.Reason, &r.ReasonDetail, &r.Done, &r.TranscriptFrom, &found, &updated, &progress, &audio)
	r.Progress, r.Audio = time.Duration(progress)*time.Millisecond, time.Duration(audio)*time.Millisecond
	r.Created, r.Modified = sqldb.FromMicros(created), sqldb.FromMicros(modified)
	r.FoundAt, r.UpdatedAt = sqldb.FromMicros(found), sqldb.FromMicros(updated)
	return r, err
}

// get returns one row, or ErrNotFound.
func (s *store) get(ctx context.Context, userID, fileID string) (Recording, error) {
	r, err := scan(s.db.QueryRow(ctx, `SELECT `+columns+` FROM recordings WHERE user_id = ? AND file_id = ?`, userID, fileID))
	if errors.Is(err, sql.ErrNoRows) {
		return Recording{}, fmt.Errorf("recording %s: %w", fileID, ErrNotFound)
	}
	if err != nil {
		return Recording{}, fmt.Errorf("reading recording %s: %w", fileID, err)
	}
	return r, nil
}

// list returns the rows of a member that match where (an SQL condition on
// the row, with args), ordered by creation time then file id.
func (s *store) list(ctx context.Context, userID, where string, args ...any) ([]Recording, error) {
	q := `SELECT ` + columns + ` FROM recordings WHERE user_id = ?`
	if where != "" {
		q += ` AND (` + where + `)`
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY created_at, file_id`, append([]any{userID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("listing recordings: %w", err)
	}
	defer rows.Close()
	var out []Recording
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("reading recordings: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// byMeetings returns the rows matched to any of the meetings.
func (s *store) byMeetings(ctx context.Context, userID string, meetingIDs []string) ([]Recording, error) {
	if len(meetingIDs) == 0 {
		return nil, nil
	}
	args := make([]any, len(meetingIDs))
	for i, id := range meetingIDs {
		args[i] = id
	}
	return s.list(ctx, userID, `meeting_id IN (?`+strings.Repeat(`, ?`, len(args)-1)+`)`, args...)
}

// upsert stores what discovery found. A new file starts found. A known one
// keeps its meeting when this discovery matched none, and its state unless its content changed (another md5, or for a
// transcript another modified time): it then starts over, and changed is
// true so that the caller drops its spooled copy. Like every write of the
// store, it writes nothing once the member's grant is revoked and returns
// an error wrapping grant.ErrRevoked.
func (s *store) upsert(ctx context.Context, r Recording) (changed bool, err error) {
	now := sqldb.Micros(s.now())
	err = grant.WriteFetched(ctx, s.db, r.UserID, func(tx *sqldb.Tx) error {
		// Another replica may discover the same file at the same time: the
		// first insert wins, the other updates the row it wrote.
		res, err := tx.Exec(ctx, `INSERT INTO recordings (user_id, file_id, kind, name, mime_type, size, md5,
			created_at, modified_at, meeting_id, meet_code, state, found_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, file_id) DO NOTHING`,
			r.UserID, r.FileID, r.Kind, r.Name, r.MimeType, r.Size, r.MD5, sqldb.Micros(r.Created), sqldb.Micros(r.Modified),
			r.MeetingID, r.MeetCode, StateFound, now, now)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		var md5 string
		var modified int64
		if err := tx.QueryRow(ctx, `SELECT md5, modified_at FROM recordings WHERE user_id = ? AND file_id = ?`,
			r.UserID, r.FileID).Scan(&md5, &modified); err != nil {
			return err
		}
		changed = md5 != r.MD5 || r.Kind == KindTranscript && modified != sqldb.Micros(r.Modified)
		// A discovery that matched no meeting may have read the meetings
		// before a calendar sync stored them: it keeps the file's meeting,
		// so that the last discovery to write does not undo a match.
		_, err = tx.Exec(ctx, `UPDATE recordings SET name = ?, mime_type = ?, size = ?, md5 = ?, created_at = ?,
			modified_at = ?, meet_code = CASE WHEN ? = '' THEN meet_code ELSE ? END,
			meeting_id = CASE WHEN ? = '' THEN meeting_id ELSE ? END, updated_at = ? WHERE user_id = ? AND file_id = ?`,
			r.Name, r.MimeType, r.Size, r.MD5, sqldb.Micros(r.Created), sqldb.Micros(r.Modified), r.MeetingID, r.MeetCode,
			r.MeetingID, r.MeetingID, now, r.UserID, r.FileID)
		if err == nil && changed {
			_, err = tx.Exec(ctx, `UPDATE recordings SET state = ?, reason = ?, reason_detail = '', bytes_done = 0, transcript = '',
				transcript_from = '', transcript_engine = '' WHERE user_id = ? AND file_id = ?`,
				StateFound, CodeWaitChanged, r.UserID, r.FileID)
		}
		if err == nil && changed {
			err = writeSegments(ctx, tx, r.UserID, r.FileID, "", nil)
		}
		return err
	})
	if err != nil {
		return false, fmt.Errorf("storing recording %s: %w", r.FileID, err)
	}
	return changed, nil
}

// setState moves a row to a state with a reason and the bytes spooled. It
// returns ErrNotFound when the row is gone, purged meanwhile, and
// grant.ErrRevoked when the member's grant is revoked.
func (s *store) setState(ctx context.Context, userID, fileID string, st State, reason string, done int64) error {
	return s.setStateDetail(ctx, userID, fileID, st, reason, "", done)
}

// setFailed marks a row failed with the code and detail of err (see
// failureOf) and the bytes spooled, as setState does.
func (s *store) setFailed(ctx context.Context, userID, fileID string, err error, done int64) error {
	code, detail := failureOf(err)
	return s.setStateDetail(ctx, userID, fileID, StateFailed, code, detail, done)
}

// setStateDetail is setState with the detail of a failure's code.
func (s *store) setStateDetail(ctx context.Context, userID, fileID string, st State, reason, detail string, done int64) error {
	err := grant.WriteFetched(ctx, s.db, userID, func(tx *sqldb.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE recordings SET state = ?, reason = ?, reason_detail = ?, bytes_done = ?, updated_at = ?
			WHERE user_id = ? AND file_id = ?`, st, reason, detail, done, sqldb.Micros(s.now()), userID, fileID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return cmp.Or(err, ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("setting recording %s %s: %w", fileID, st, err)
	}
	return nil
}

// setTranscript stores a transcript with its segments, and marks the row
// transcribed. A transcript that refers to another file (FileID) keeps no
// text or segments of its own; one with segments and no text gets their
// text. It returns grant.ErrRevoked, storing nothing, when the member's
// grant is revoked.
func (s *store) setTranscript(ctx context.Context, userID, fileID string, t Transcript) error {
	if t.FileID != "" {
		t.Text, t.Segments = "", nil
	} else if t.Text == "" {
		t.Text = joinSegments(t.Segments)
	}
	err := grant.WriteFetched(ctx, s.db, userID, func(tx *sqldb.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE recordings SET state = ?, reason = '', transcript = ?, transcript_from = ?,
			transcript_engine = ?, updated_at = ? WHERE user_id = ? AND file_id = ?`,
			StateTranscribed, t.Text, t.FileID, t.Engine, sqldb.Micros(s.now()), userID, fileID)
		if err != nil {
			return err
		}
		return writeSegments(ctx, tx, userID, fileID, t.Engine, t.Segments)
	})
	if err != nil {
		return fmt.Errorf("storing the transcript of %s: %w", fileID, err)
	}
	return nil
}

// transcriptOf returns the engine and the text stored in a row.
func (s *store) transcriptOf(ctx context.Context, userID, fileID string) (engine, text string, err error) {
	err = s.db.QueryRow(ctx, `SELECT transcript_engine, transcript FROM recordings WHERE user_id = ? AND file_id = ?`,
		userID, fileID).Scan(&engine, &text)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", fmt.Errorf("transcript %s: %w", fileID, ErrNotFound)
	}
	if err != nil {
		return "", "", fmt.Errorf("reading the transcript of %s: %w", fileID, err)
	}
	return engine, text, nil
}

// transcript returns the text stored in a row.
func (s *store) transcript(ctx context.Context, userID, fileID string) (string, error) {
	var text string
	err := s.db.QueryRow(ctx, `SELECT transcript FROM recordings WHERE user_id = ? AND file_id = ?`, userID, fileID).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("transcript %s: %w", fileID, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("reading the transcript of %s: %w", fileID, err)
	}
	return text, nil
}

// purge deletes every row of a member, with their transcript segments and
// so their search index, and returns the number of recordings rows.
func (s *store) purge(ctx context.Context, userID string) (n int64, err error) {
	err = s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM transcript_segments WHERE user_id = ?`, userID); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `DELETE FROM recordings WHERE user_id = ?`, userID)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("purging recordings of %s: %w", userID, err)
	}
	return n, nil
}
