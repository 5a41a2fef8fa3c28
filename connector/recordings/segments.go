package recordings

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// writeSegments replaces the stored segments of a file with segs, inside
// the transaction that stores its transcript. Their text is cleaned as the
// databases require; a segment left without text is dropped.
func writeSegments(ctx context.Context, tx *sqldb.Tx, userID, fileID, engine string, segs []Segment) error {
	if _, err := tx.Exec(ctx, `DELETE FROM transcript_segments WHERE user_id = ? AND file_id = ?`, userID, fileID); err != nil {
		return fmt.Errorf("deleting the segments of %s: %w", fileID, err)
	}
	seq := 0
	for _, s := range segs {
		text := cleanText(s.Text)
		if text == "" {
			continue
		}
		_, err := tx.Exec(ctx, `INSERT INTO transcript_segments (user_id, file_id, seq, start_us, end_us, speaker, text, engine)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, userID, fileID, seq, s.Start.Microseconds(), s.End.Microseconds(),
			cleanText(s.Speaker), text, engine)
		if err != nil {
			return fmt.Errorf("storing segment %d of %s: %w", seq, fileID, err)
		}
		seq++
	}
	return nil
}

// segments returns the stored segments of a file, in order.
func (s *store) segments(ctx context.Context, userID, fileID string) ([]Segment, error) {
	rows, err := s.db.Query(ctx, `SELECT start_us, end_us, speaker, text FROM transcript_segments
		WHERE user_id = ? AND file_id = ? ORDER BY seq`, userID, fileID)
	if err != nil {
		return nil, fmt.Errorf("reading the segments of %s: %w", fileID, err)
	}
	defer rows.Close()
	var out []Segment
	for rows.Next() {
		var seg Segment
		var start, end int64
		if err := rows.Scan(&start, &end, &seg.Speaker, &seg.Text); err != nil {
			return nil, fmt.Errorf("reading the segments of %s: %w", fileID, err)
		}
		seg.Start, seg.End = time.Duration(start)*time.Microsecond, time.Duration(end)*time.Microsecond
		out = append(out, seg)
	}
	return out, rows.Err()
}

// joinSegments is the plain text of segments, one a line.
func joinSegments(segs []Segment) string {
	var b strings.Builder
	for _, s := range segs {
		if s.Speaker != "" {
			b.WriteString(s.Speaker + ": ")
		}
		b.WriteString(s.Text + "\n")
	}
	return b.String()
}

// TimedTranscript returns the transcript of a file with its segments: the
// file's own, or that of the Meet transcript it comes from, whose id is
// then the result's FileID (else FileID is the file's own id). Engine
// names what produced it; before transcription, the result is empty but
// for FileID. It returns an error wrapping ErrNotFound for a file the
// member does not have.
func (s *Service) TimedTranscript(ctx context.Context, userID, fileID string) (Transcript, error) {
	r, err := s.store.get(ctx, userID, fileID)
	if err != nil {
		return Transcript{}, err
	}
	if r.TranscriptFrom != "" {
		if r, err = s.store.get(ctx, userID, r.TranscriptFrom); err != nil {
			return Transcript{}, err
		}
	}
	t := Transcript{FileID: r.FileID}
	if r.State != StateTranscribed {
		return t, nil
	}
	if t.Engine, t.Text, err = s.store.transcriptOf(ctx, userID, r.FileID); err != nil {
		return Transcript{}, err
	}
	if t.Segments, err = s.store.segments(ctx, userID, r.FileID); err != nil {
		return Transcript{}, err
	}
	return t, nil
}
