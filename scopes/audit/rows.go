package audit

import (
	"context"
	"fmt"
	"time"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// pageSize is how many rows a cursor reads at a time, so that walking the
// whole trail takes constant memory and holds no long read transaction.
const pageSize = 1000

// storedColumns are the columns of audit_entries, in the order scanStored
// reads them.
const storedColumns = `seq, id, version, chain_id, time_us, actor_id, actor_email, client_id, event, api_name,
	method_name, scope, purpose, resource, http_status, error_reason, outcome, num_response_bytes, items, latency_us,
	request_id, replica, ref_seq, prev_hash, hash, host, bytes_sent, audio_us, subject_id, subject_email`

// stored is an entry as stored, with the columns that are not part of Entry.
type stored struct {
	Entry
	version int
	chainID string
}

// scanner is what *sql.Rows and *sql.Row offer.
type scanner interface{ Scan(dest ...any) error }

func scanStored(s scanner) (stored, error) {
	var r stored
	var at, latency, audio int64
	err := s.Scan(&r.Seq, &r.ID, &r.version, &r.chainID, &at, &r.ActorID, &r.ActorEmail, &r.ClientID, &r.Event,
		&r.APIName, &r.MethodName, &r.Scope, &r.Purpose, &r.Resource, &r.HTTPStatus, &r.ErrorReason, &r.Outcome,
		&r.NumResponseBytes, &r.Items, &latency, &r.RequestID, &r.Replica, &r.RefSeq, &r.PrevHash, &r.Hash,
		&r.Host, &r.BytesSent, &audio, &r.SubjectID, &r.SubjectEmail)
	r.Time, r.Latency = sqldb.FromMicros(at), time.Duration(latency)*time.Microsecond
	r.AudioDuration = time.Duration(audio) * time.Microsecond
	return r, err
}

// cursor walks rows in seq order, one page at a time.
type cursor[T any] struct {
	after int64
	buf   []T
	done  bool
	// load reads the page after a seq and returns it and its last seq.
	load func(ctx context.Context, after int64) (page []T, last int64, err error)
}

// peek returns the next row without consuming it; nil at the end.
func (c *cursor[T]) peek(ctx context.Context) (*T, error) {
	if len(c.buf) == 0 && !c.done {
		page, last, err := c.load(ctx, c.after)
		if err != nil {
			return nil, err
		}
		c.buf, c.after, c.done = page, last, len(page) < pageSize
	}
	if len(c.buf) == 0 {
		return nil, nil
	}
	return &c.buf[0], nil
}

// next returns the next row and consumes it; nil at the end.
func (c *cursor[T]) next(ctx context.Context) (*T, error) {
	r, err := c.peek(ctx)
	if r == nil || err != nil {
		return nil, err
	}
	c.buf = c.buf[1:]
	return r, nil
}

// entries returns a cursor over the stored entries with seq up to upTo.
func entries(db *sqldb.DB, upTo int64) *cursor[stored] {
	return &cursor[stored]{load: func(ctx context.Context, after int64) ([]stored, int64, error) {
		rows, err := db.Query(ctx, "SELECT "+storedColumns+" FROM audit_entries WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?",
			after, upTo, pageSize)
		if err != nil {
			return nil, 0, fmt.Errorf("reading entries after %d: %w", after, err)
		}
		defer rows.Close()
		page := make([]stored, 0, pageSize)
		for rows.Next() {
			r, err := scanStored(rows)
			if err != nil {
				return nil, 0, fmt.Errorf("reading entries after %d: %w", after, err)
			}
			page = append(page, r)
			after = r.Seq
		}
		if err := rows.Err(); err != nil {
			return nil, 0, fmt.Errorf("reading entries: %w", err)
		}
		return page, after, nil
	}}
}

// checkpoints returns a cursor over the checkpoints with seq up to upTo.
func checkpoints(db *sqldb.DB, upTo int64) *cursor[Checkpoint] {
	return &cursor[Checkpoint]{load: func(ctx context.Context, after int64) ([]Checkpoint, int64, error) {
		rows, err := db.Query(ctx, "SELECT "+checkpointColumns+" FROM audit_checkpoints WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?",
			after, upTo, pageSize)
		if err != nil {
			return nil, 0, fmt.Errorf("reading checkpoints after %d: %w", after, err)
		}
		defer rows.Close()
		var page []Checkpoint
		for rows.Next() {
			var cp Checkpoint
			var at int64
			if err := rows.Scan(&cp.Seq, &cp.Hash, &at, &cp.KeyID, &cp.Signature, &cp.Number, &cp.Note); err != nil {
				return nil, 0, fmt.Errorf("reading checkpoints after %d: %w", after, err)
			}
			cp.Time, cp.Root = sqldb.FromMicros(at), noteRoot(cp.Note)
			page = append(page, cp)
			after = cp.Seq
		}
		if err := rows.Err(); err != nil {
			return nil, 0, fmt.Errorf("reading checkpoints: %w", err)
		}
		return page, after, nil
	}}
}
