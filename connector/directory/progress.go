package directory

import (
	"context"
	"fmt"
	"time"

	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// Bounds on what Status reports as under way, so that a sync whose process
// died, or a request no worker took, does not read as running for ever.
const (
	// StalledAfter is how long a running sync may list no page before it
	// no longer reads as running. A page, retries included, takes far less.
	StalledAfter = 10 * time.Minute
	// QueuedFor is how long a requested sync that has not started reads as
	// queued.
	QueuedFor = 15 * time.Minute
)

// run is a user's directory_syncs columns about the syncs under way.
type run struct {
	requested, started, progressed, ended int64 // Unix microseconds
	fetched, expected                     int64
}

// describe fills in what st says of the syncs under way and the latest
// one's duration, as of now.
func (r run) describe(st *Status, now time.Time) {
	st.StartedAt = sqldb.FromMicros(r.started)
	if r.started > 0 && r.ended >= r.started {
		st.LastTook = time.Duration(r.ended-r.started) * time.Microsecond
	}
	alive := sqldb.FromMicros(max(r.started, r.progressed))
	st.Running = r.started > 0 && r.ended == 0 && now.Sub(alive) < StalledAfter
	if st.Running {
		st.Fetched, st.Expected = r.fetched, r.expected
	}
	st.Queued = !st.Running && r.requested > r.started && now.Sub(sqldb.FromMicros(r.requested)) < QueuedFor
}

// request records that a sync of a user's copy was asked for.
func (s *store) request(ctx context.Context, userID string) error {
	return s.upsertRun(ctx, userID, "requested_at", "requested_at = excluded.requested_at", "asking for a directory sync")
}

// unrequest forgets a request whose job could not be queued.
func (s *store) unrequest(ctx context.Context, userID string) error {
	if _, err := s.db.Exec(ctx, "UPDATE directory_syncs SET requested_at = 0 WHERE owner_id = ?", userID); err != nil {
		return fmt.Errorf("forgetting a directory sync request of %s: %w", userID, err)
	}
	return nil
}

// begin records that a sync of a user's copy started, having listed
// nothing yet and not ended.
func (s *store) begin(ctx context.Context, userID string) error {
	return s.upsertRun(ctx, userID, "run_started_at",
		"run_started_at = excluded.run_started_at, run_progress_at = excluded.run_started_at, run_fetched = 0, run_expected = 0, run_ended_at = 0", "starting a directory sync")
}

// upsertRun sets column to now in a user's directory_syncs row, creating
// it, and applies set (an ON CONFLICT update list, which may read the new
// value as excluded.column) to a row that exists. It writes nothing once
// the user's grant is revoked: the error then wraps grant.ErrRevoked.
func (s *store) upsertRun(ctx context.Context, userID, column, set, doing string) error {
	err := grant.WriteFetched(ctx, s.db, userID, func(tx *sqldb.Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO directory_syncs (owner_id, "+column+") VALUES (?, ?) ON CONFLICT (owner_id) DO UPDATE SET "+set,
			userID, sqldb.Micros(s.now()))
		return err
	})
	if err != nil {
		return fmt.Errorf("%s for %s: %w", doing, userID, err)
	}
	return nil
}

// expect records that the running sync of a user's copy lists the whole
// directory, which likely holds about as many people as the live copy.
func (s *store) expect(ctx context.Context, userID string) error {
	if _, err := s.db.Exec(ctx, "UPDATE directory_syncs SET run_expected = CASE WHEN generation > 0 THEN people ELSE 0 END WHERE owner_id = ?",
		userID); err != nil {
		return fmt.Errorf("recording the size of the directory sync of %s: %w", userID, err)
	}
	return nil
}

// advance adds n people (or changes) listed to the running sync of a
// user's copy.
func (s *store) advance(ctx context.Context, userID string, n int) error {
	_, err := s.db.Exec(ctx, advanceSync, n, sqldb.Micros(s.now()), userID)
	return advanceErr(userID, err)
}

// advanceSync adds ? people listed to the running sync of user ?, at ?.
const advanceSync = "UPDATE directory_syncs SET run_fetched = run_fetched + ?, run_progress_at = ? WHERE owner_id = ?"

// advanceErr names the progress a failed advance was recording.
func advanceErr(userID string, err error) error {
	if err != nil {
		return fmt.Errorf("recording the progress of the directory sync of %s: %w", userID, err)
	}
	return nil
}

// end records that the running sync of a user's copy ended.
func (s *store) end(ctx context.Context, userID string) error {
	if _, err := s.db.Exec(ctx, "UPDATE directory_syncs SET run_ended_at = ? WHERE owner_id = ?", sqldb.Micros(s.now()), userID); err != nil {
		return fmt.Errorf("recording the end of the directory sync of %s: %w", userID, err)
	}
	return nil
}
