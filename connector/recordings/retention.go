package recordings

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// Retention is how long a recording's audio stays in the spool after it was
// transcribed: RECORDING_RETENTION, "0" (delete at once), a number of days
// such as "7d", a duration such as "36h", or "forever".
type Retention struct {
	// Keep is how long the audio is kept; Forever keeps it for good.
	Keep    time.Duration
	Forever bool
}

// UnmarshalText reads a retention: "forever", "0", "7d" or a Go duration.
func (r *Retention) UnmarshalText(text []byte) error {
	s := strings.ToLower(strings.TrimSpace(string(text)))
	switch {
	case s == "forever":
		*r = Retention{Forever: true}
		return nil
	case strings.HasSuffix(s, "d"):
		days, err := strconv.Atoi(strings.TrimSuffix(s, "d"))
		if err == nil && days >= 0 && days <= 100*365 {
			*r = Retention{Keep: time.Duration(days) * 24 * time.Hour}
			return nil
		}
	default:
		if s == "0" {
			*r = Retention{}
			return nil
		}
		if d, err := time.ParseDuration(s); err == nil && d >= 0 {
			*r = Retention{Keep: d}
			return nil
		}
	}
	return fmt.Errorf("%q is not a retention; write 0 (delete once transcribed), a number of days such as 7d, or forever", text)
}

// ExpireAudio deletes the spooled audio of every member's recordings that
// were transcribed longer ago than keep allows, and returns how many files
// it deleted. Run it periodically. The rows stay: the transcript and its
// recording's state are kept, only the audio goes.
func (s *Service) ExpireAudio(ctx context.Context, keep Retention) (int, error) {
	if keep.Forever {
		return 0, nil
	}
	rows, err := s.o.DB.Query(ctx, `SELECT user_id, file_id FROM recordings WHERE kind = ? AND state = ? AND updated_at <= ?`,
		KindRecording, StateTranscribed, sqldb.Micros(s.o.Now().Add(-keep.Keep)))
	if err != nil {
		return 0, fmt.Errorf("listing transcribed recordings: %w", err)
	}
	var ids [][2]string
	for rows.Next() {
		var id [2]string
		if err := rows.Scan(&id[0], &id[1]); err != nil {
			rows.Close()
			return 0, fmt.Errorf("listing transcribed recordings: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("listing transcribed recordings: %w", err)
	}
	n := 0
	for _, id := range ids {
		err := os.Remove(s.spoolPath(id[0], id[1]))
		switch {
		case err == nil:
			n++
			_ = os.Remove(s.userDir(id[0])) // Fails, harmlessly, while the folder holds other files.
		case !errors.Is(err, fs.ErrNotExist):
			return n, fmt.Errorf("deleting the audio of %s: %w", id[1], err)
		}
	}
	return n, nil
}
