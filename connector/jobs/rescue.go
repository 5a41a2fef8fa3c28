package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// DefaultRescueAfter is Options.RescueAfter when it is zero.
const DefaultRescueAfter = time.Minute

// CodeRescued is the failure code of an attempt whose process stopped
// answering: it sent no heartbeat for RescueAfter, so the job was put back
// for another process to run.
const CodeRescued = "rescued"

// heartbeatKey is the key of River's job metadata that holds a running
// attempt's last heartbeat, in the database's own time format.
const heartbeatKey = "heartbeat_at"

// sqliteTime is how SQLite's datetime writes a time, in UTC.
const sqliteTime = "2006-01-02 15:04:05.999"

// rescueMessage is the error stored for a rescued attempt; failure reads it
// back as CodeRescued.
const rescueMessage = "[" + CodeRescued + "] the process running it stopped answering"

// liveness is the SQL expression of when a running job was last known to be
// alive: its last heartbeat, or the start of its attempt when that is later
// (a heartbeat left by an earlier attempt says nothing of this one).
var liveness = map[sqldb.Dialect]string{
	sqldb.SQLite:   `max(coalesce(json_extract(metadata, '$.` + heartbeatKey + `'), attempted_at), attempted_at)`,
	sqldb.Postgres: `greatest(coalesce((metadata->>'` + heartbeatKey + `')::timestamptz, attempted_at), attempted_at)`,
}

// beatQuery records a heartbeat of attempt ? of running job ?.
var beatQuery = map[sqldb.Dialect]string{
	sqldb.SQLite: `UPDATE river_job SET metadata = jsonb_set(metadata, '$.` + heartbeatKey + `', datetime('now', 'subsec'))
		WHERE id = ? AND attempt = ? AND state = 'running'`,
	sqldb.Postgres: `UPDATE river_job SET metadata = jsonb_set(metadata, '{` + heartbeatKey + `}', to_jsonb(now()))
		WHERE id = ? AND attempt = ? AND state = 'running'`,
}

// rescueQuery puts back the running jobs not alive for the number of
// seconds ?: available again at once, or discarded after their last
// attempt, with the error ? recorded as River records its own.
var rescueQuery = map[sqldb.Dialect]string{
	sqldb.SQLite: `UPDATE river_job SET
		state = CASE WHEN attempt < max_attempts THEN 'available' ELSE 'discarded' END,
		scheduled_at = CASE WHEN attempt < max_attempts THEN datetime('now', 'subsec') ELSE scheduled_at END,
		finalized_at = CASE WHEN attempt < max_attempts THEN NULL ELSE datetime('now', 'subsec') END,
		errors = jsonb(json_insert(json(coalesce(errors, jsonb('[]'))), '$[#]', json_object(
			'at', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'attempt', attempt, 'error', ?, 'trace', ''))),
		metadata = jsonb_remove(metadata, '$.` + heartbeatKey + `')
		WHERE state = 'running' AND ` + liveness[sqldb.SQLite] + ` < datetime('now', 'subsec', '-' || ? || ' seconds')`,
	sqldb.Postgres: `UPDATE river_job SET
		state = CASE WHEN attempt < max_attempts THEN 'available'::river_job_state ELSE 'discarded'::river_job_state END,
		scheduled_at = CASE WHEN attempt < max_attempts THEN now() ELSE scheduled_at END,
		finalized_at = CASE WHEN attempt < max_attempts THEN NULL ELSE now() END,
		errors = array_append(errors, jsonb_build_object('at', now(), 'attempt', attempt, 'error', ?::text, 'trace', '')),
		metadata = metadata - '` + heartbeatKey + `'
		WHERE state = 'running' AND ` + liveness[sqldb.Postgres] + ` < now() - make_interval(secs => ?)`,
}

// rescueAfter is Options.RescueAfter or its default.
func (r *Runner) rescueAfter() time.Duration {
	if r.o.RescueAfter > 0 {
		return r.o.RescueAfter
	}
	return DefaultRescueAfter
}

// beatEvery spaces a running job's heartbeats, and the rescues: four of
// each in a RescueAfter, so that a late beat or two never gets a live job
// rescued, and a dead one is put back soon after RescueAfter.
func (r *Runner) beatEvery() time.Duration { return r.rescueAfter() / 4 }

// beat records that attempt of job id is alive. A heartbeat that fails is
// logged: it only risks the job being run again.
func (r *Runner) beat(ctx context.Context, id int64, attempt int) {
	if _, err := r.o.DB.Exec(ctx, beatQuery[r.o.DB.Dialect], id, attempt); err != nil && ctx.Err() == nil {
		r.o.Logger.Warn("recording a job's heartbeat", "job", id, "err", err)
	}
}

// heartbeat records that attempt of job id is alive every beatEvery until
// the returned function is called.
func (r *Runner) heartbeat(ctx context.Context, id int64, attempt int) (stop func()) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(r.beatEvery())
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				r.beat(ctx, id, attempt)
			}
		}
	}()
	return func() { cancel(); <-done }
}

// rescue puts back the jobs whose process stopped answering, and returns
// how many it put back.
func (r *Runner) rescue(ctx context.Context) (int64, error) {
	res, err := r.o.DB.Exec(ctx, rescueQuery[r.o.DB.Dialect], rescueMessage, r.rescueAfter().Seconds())
	if err != nil {
		return 0, fmt.Errorf("jobs: rescuing the jobs of stopped processes: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("jobs: rescuing the jobs of stopped processes: %w", err)
	}
	return n, nil
}

// rescueLoop rescues at once, then every beatEvery until ctx ends. Every
// started Runner runs one: a rescue is one conditional statement, so two
// replicas rescuing at once put each job back once.
func (r *Runner) rescueLoop(ctx context.Context) {
	t := time.NewTicker(r.beatEvery())
	defer t.Stop()
	for {
		n, err := r.rescue(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			r.o.Logger.Warn("rescuing jobs", "err", err)
		case n > 0:
			r.o.Logger.Warn("put back the jobs of a process that stopped answering", "jobs", n,
				slog.Duration("silent_for", r.rescueAfter()))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
