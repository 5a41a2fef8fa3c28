package replicatest

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// Synced is what the replicas fetched from Google and kept, one text row a
// record, keyed by the email of the user it belongs to, so that runs on
// different databases (whose user ids differ) compare.
type Synced struct {
	Meetings, Recordings, Directory map[string][]string
}

// syncedQueries read the synced data with the columns a page shows; each
// selects the owner's email first. Times of the sync itself are left out:
// they differ between runs.
var syncedQueries = map[string]string{
	"meetings": `SELECT u.email, m.id, m.calendar_id, m.event_id, m.title, m.status, m.start_at, m.end_at, m.all_day,
		m.meet_code, m.organizer, m.attendees, m.attachments FROM meetings m JOIN users u ON u.id = m.user_id`,
	"recordings": `SELECT u.email, r.file_id, r.kind, r.name, r.mime_type, r.size, r.md5, r.created_at, r.modified_at,
		r.meeting_id, r.meet_code, r.state, r.reason, r.bytes_done, r.transcript, r.transcript_from
		FROM recordings r JOIN users u ON u.id = r.user_id`,
	"directory": `SELECT u.email, p.resource_name, p.display_name, p.email, p.photo_url FROM directory_people p
		JOIN directory_syncs s ON s.owner_id = p.owner_id AND s.generation = p.generation JOIN users u ON u.id = p.owner_id`,
}

// ReadSynced reads the synced data of every user.
func ReadSynced(ctx context.Context, db *sqldb.DB) (Synced, error) {
	s := Synced{}
	for name, dst := range map[string]*map[string][]string{"meetings": &s.Meetings, "recordings": &s.Recordings, "directory": &s.Directory} {
		rows, err := queryText(ctx, db, syncedQueries[name])
		if err != nil {
			return Synced{}, fmt.Errorf("replicatest: reading %s: %w", name, err)
		}
		*dst = rows
	}
	return s, nil
}

// queryText runs q and returns each row as its columns after the first,
// joined by tabs, keyed by the first column and sorted.
func queryText(ctx context.Context, db *sqldb.DB, q string, args ...any) (map[string][]string, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		text := make([]string, len(vals))
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			text[i] = fmt.Sprint(v)
		}
		out[text[0]] = append(out[text[0]], strings.Join(text[1:], "\t"))
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, v := range out {
		sort.Strings(v)
	}
	return out, nil
}

// UserIDs returns the id of every user by email.
func UserIDs(ctx context.Context, db *sqldb.DB) (map[string]string, error) {
	rows, err := queryText(ctx, db, `SELECT email, id FROM users`)
	if err != nil {
		return nil, fmt.Errorf("replicatest: reading the users: %w", err)
	}
	ids := map[string]string{}
	for email, id := range rows {
		ids[email] = id[0]
	}
	return ids, nil
}

// GrantStatuses returns the status of every grant, and its reason, by
// email.
func GrantStatuses(ctx context.Context, db *sqldb.DB) (map[string]string, error) {
	rows, err := queryText(ctx, db, `SELECT u.email, g.status, g.reason FROM grants g JOIN users u ON u.id = g.user_id`)
	if err != nil {
		return nil, fmt.Errorf("replicatest: reading the grants: %w", err)
	}
	out := map[string]string{}
	for email, v := range rows {
		out[email] = v[0]
	}
	return out, nil
}

// Job is a River job row, as far as the checks read it.
type Job struct {
	ID          int64
	Kind, State string
	// UserID is the user the job works for, "" for none.
	UserID      string
	Attempt     int
	AttemptedAt time.Time
	// ScheduledAt is when it is due to run (again).
	ScheduledAt time.Time
	// Errors are the recorded failures of its attempts, as River stores
	// them (JSON).
	Errors string
}

// Jobs reads every job of River's table.
func Jobs(ctx context.Context, db *sqldb.DB) ([]Job, error) {
	rows, err := db.QueryContext(ctx, `SELECT id, kind, state, COALESCE(args->>'user_id', ''), attempt, attempted_at, scheduled_at, COALESCE(array_to_json(errors)::text, '') FROM river_job ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("replicatest: reading river_job: %w", err)
	}
	defer rows.Close()
	var jobs []Job
	for rows.Next() {
		var j Job
		var at *time.Time
		if err := rows.Scan(&j.ID, &j.Kind, &j.State, &j.UserID, &j.Attempt, &at, &j.ScheduledAt, &j.Errors); err != nil {
			return nil, fmt.Errorf("replicatest: reading river_job: %w", err)
		}
		if at != nil {
			j.AttemptedAt = *at
		}
		jobs = append(jobs, j)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("replicatest: reading river_job: %w", err)
	}
	return jobs, nil
}
