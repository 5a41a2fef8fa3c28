package audit

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// DefaultCheckpointEvery is how many entries pass between two automatic
// checkpoints when Options.CheckpointEvery is 0.
const DefaultCheckpointEvery = 1000

// Options configure a Trail.
type Options struct {
	// Replica names this process; it is stored on every entry that has
	// none.
	Replica string
	// Signer signs checkpoints. Without it no checkpoint is written, and
	// Verify cannot prove that the tail was not truncated.
	Signer ed25519.PrivateKey
	// CheckpointEvery is how many entries pass between two automatic
	// checkpoints: 0 means DefaultCheckpointEvery, a negative number none.
	CheckpointEvery int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// WriteTimeout bounds one append transaction; 0 means 10 seconds.
	WriteTimeout time.Duration
	// CheckpointInterval is how often RunCheckpoints checkpoints the trail
	// when it has new entries: 0 means DefaultCheckpointInterval.
	CheckpointInterval time.Duration
	// Witnesses receive the checkpoints this process makes, outside the
	// database, from RunCheckpoints: each timed one, and the latest count
	// one made since it last looked. See Witness for what happens when one
	// fails.
	Witnesses []Witness
	// Logger logs checkpoints that fail and witnesses that fail; nil means
	// slog.Default().
	Logger *slog.Logger
}

// DefaultCheckpointInterval is how often RunCheckpoints checkpoints a trail
// with new entries when Options.CheckpointInterval is 0.
const DefaultCheckpointInterval = time.Minute

// Trail is the audit trail of one database. It is safe for concurrent use,
// and several processes may append to one database: appends are serialized
// by a lock on the chain's head row, so they always form one chain.
type Trail struct {
	db      *sqldb.DB
	replica string
	signer  ed25519.PrivateKey
	every   int64
	now     func() time.Time
	timeout time.Duration
	// macKey seals the chain head; nil without a signer.
	macKey []byte

	interval  time.Duration
	witnesses []Witness
	log       *slog.Logger
	// cpMu serializes this process's checkpoints.
	cpMu sync.Mutex
	// wit holds the latest checkpoint that RunCheckpoints has yet to
	// witness; witWake tells it there is one.
	witMu   sync.Mutex
	wit     *Checkpoint
	witWake chan struct{}
	// nextDue is when RunCheckpoints looks next, in Unix microseconds; 0
	// when it does not run.
	nextDue atomic.Int64

	// known is the head this trail's last batch left, which the next
	// batch expects to find; only the leader of a batch reads and sets it.
	known head

	// mu guards the group-commit queue: concurrent appends wait in queue
	// while one of them, the leader, writes a batch in one transaction.
	mu       sync.Mutex
	queue    []*pending
	flushing bool
	// queued counts the outcomes CompleteAsync has queued, written those
	// of them whose batch has ended, written or failed: batches end in
	// queue order, so those are the first queued. wrote is broadcast as
	// written grows and as a batch's checkpoints end. lost is the first
	// error that lost an outcome.
	queued, written int64
	wrote           *sync.Cond
	lost            error
	// checkpointing counts the batches making their count checkpoints;
	// wrote is broadcast as each ends.
	checkpointing int
}

// New returns the trail stored in db, which must be migrated.
func New(db *sqldb.DB, o Options) *Trail {
	t := &Trail{db: db, replica: o.Replica, signer: o.Signer, every: int64(o.CheckpointEvery), now: o.Now, timeout: o.WriteTimeout,
		interval: o.CheckpointInterval, witnesses: o.Witnesses, log: o.Logger, witWake: make(chan struct{}, 1)}
	t.wrote = sync.NewCond(&t.mu)
	db.OnClose(t.Close)
	if t.signer != nil {
		t.macKey = headMACKey(t.signer)
	}
	if t.interval <= 0 {
		t.interval = DefaultCheckpointInterval
	}
	if t.log == nil {
		t.log = slog.Default()
	}
	if t.every == 0 {
		t.every = DefaultCheckpointEvery
	}
	if t.now == nil {
		t.now = time.Now
	}
	if t.timeout == 0 {
		t.timeout = 10 * time.Second
	}
	return t
}

// Append writes an entry and returns it as stored, with Seq, ID, hashes and,
// if they are zero, Time and Replica filled in. An empty Outcome is stored
// as "ok". The entry is durable when Append returns.
func (t *Trail) Append(ctx context.Context, e Entry) (Entry, error) {
	if e.Outcome == "" {
		e.Outcome = OutcomeOK
	}
	return t.append(ctx, e)
}

// Begin writes the entry for a request that is about to leave, with outcome
// "pending", and returns it as stored. The request must not be sent unless
// Begin succeeds. Record the outcome with Complete.
func (t *Trail) Begin(ctx context.Context, e Entry) (Entry, error) {
	e.Outcome = OutcomePending
	return t.append(ctx, e)
}

// Complete appends the entry that records the outcome of begin, a pending
// entry returned by Begin, and returns it. It must be called at most once
// per begun request, and not together with CompleteAsync.
func (t *Trail) Complete(ctx context.Context, begin Entry, r Result) (Entry, error) {
	e, err := outcomeEntry(begin, r)
	if err != nil {
		return Entry{}, err
	}
	return t.append(ctx, e)
}

// CompleteAsync queues the entry that records the outcome of begin, as
// Complete appends it, and returns without waiting for it: the entry joins
// the next batch, off the request's path. Until it is written the request
// reads as pending, and as outcome "unknown" if the process dies first,
// which is what the write-ahead begin entry is for. Reads of this trail
// (Query, Entries and those built on them) wait for the outcomes queued
// before them, and Close, which runs when the database closes, writes those
// still queued. CompleteAsync returns an error only for an invalid begin or
// result; a failure to write is logged, and Close returns it.
func (t *Trail) CompleteAsync(begin Entry, r Result) error {
	e, err := outcomeEntry(begin, r)
	if err != nil {
		return err
	}
	t.appendAsync(e)
	return nil
}

// outcomeEntry returns the entry that records the outcome r of begin.
func outcomeEntry(begin Entry, r Result) (Entry, error) {
	if begin.Seq == 0 || begin.Outcome != OutcomePending {
		return Entry{}, fmt.Errorf("completing entry %d: %w", begin.Seq, ErrNotPending)
	}
	if r.Outcome == "" || r.Outcome == OutcomePending || r.Outcome == OutcomeUnknown {
		return Entry{}, fmt.Errorf("completing entry %d with outcome %q: %w", begin.Seq, r.Outcome, ErrInvalidEntry)
	}
	e := begin
	e.Seq, e.ID, e.Time, e.PrevHash, e.Hash = 0, "", time.Time{}, "", ""
	if r.Event != "" {
		e.Event = r.Event
	}
	e.Outcome, e.HTTPStatus, e.ErrorReason = r.Outcome, r.HTTPStatus, r.ErrorReason
	e.NumResponseBytes, e.Items, e.Latency = r.NumResponseBytes, r.Items, r.Latency
	if r.BytesSent != 0 {
		e.BytesSent = r.BytesSent
	}
	if r.AudioDuration != 0 {
		e.AudioDuration = r.AudioDuration
	}
	e.RefSeq = begin.Seq
	return e, nil
}

// write appends a batch in one transaction that holds the chain's head.
func (t *Trail) write(ctx context.Context, batch []*pending) error {
	return t.writeTaken(ctx, func() []*pending { return batch })
}

// writeTaken appends, in one transaction, the batch that take returns once
// the transaction holds the chain's head, so that the appends that arrive
// while it waits for the head join the batch. take is called once. On
// PostgreSQL it first tries the one statement of writeAfterKnown.
func (t *Trail) writeTaken(ctx context.Context, take func() []*pending) error {
	if t.db.Dialect == sqldb.Postgres && t.known.seq > 0 {
		if done, err := t.writeAfterKnown(ctx, take()); done || err != nil {
			return err
		}
	}
	var moved head
	err := t.db.InTx(ctx, func(tx *sqldb.Tx) error {
		h, err := t.lockHead(ctx, tx)
		if err != nil {
			return err
		}
		if err := t.checkHead(ctx, tx, h); err != nil {
			return err
		}
		batch := take()
		entries, err := t.chain(&h, batch)
		if err != nil {
			return err
		}
		if err := insertEntries(ctx, tx, h.chainID, entries); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE audit_chain SET head_seq = ?, head_hash = ?, head_mac = ? WHERE id = 1",
			h.seq, h.hash, h.mac); err != nil {
			return fmt.Errorf("moving the chain head: %w", err)
		}
		for i, p := range batch {
			p.out = entries[i]
		}
		moved = h
		return nil
	})
	if err == nil {
		t.known = moved
	}
	return err
}

// chain fills in the entries of batch as the next ones after h, and moves
// h to the last of them, sealed.
func (t *Trail) chain(h *head, batch []*pending) ([]Entry, error) {
	entries := make([]Entry, len(batch))
	for i, p := range batch {
		e := p.in
		h.seq++
		e.Seq, e.PrevHash = h.seq, h.hash
		if e.ID == "" {
			e.ID = randomID()
		}
		if e.Time.IsZero() {
			e.Time = t.now()
		}
		e.Time, e.Latency = micro(e.Time), e.Latency.Truncate(time.Microsecond)
		e.AudioDuration = e.AudioDuration.Truncate(time.Microsecond)
		if e.Replica == "" {
			e.Replica = t.replica
		}
		var err error
		if e.Hash, err = entryHash(formatVersion(&e), h.chainID, &e); err != nil {
			return nil, err
		}
		h.hash = e.Hash
		entries[i] = e
	}
	h.mac = t.headMAC(h.chainID, h.seq, h.hash)
	return entries, nil
}

// entryValues is one row of insertEntries' VALUES list.
const entryValues = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

// insertEntries inserts entries with one statement. A row already at one
// of their places (which only someone writing the database behind the
// trail's back can have put there) makes it return an *InconsistentError
// naming the first such row, instead of a constraint violation: the
// statement skips conflicting rows, and only then does it look.
func insertEntries(ctx context.Context, tx *sqldb.Tx, chainID string, entries []Entry) error {
	args := make([]any, 0, 30*len(entries))
	for _, e := range entries {
		args = append(args, e.Seq, e.ID, formatVersion(&e), chainID, e.Time.UnixMicro(), e.ActorID, e.ActorEmail, e.ClientID,
			string(e.Event), e.APIName, e.MethodName, e.Scope, e.Purpose, e.Resource, e.HTTPStatus, e.ErrorReason,
			string(e.Outcome), e.NumResponseBytes, e.Items, e.Latency.Microseconds(), e.RequestID, e.Replica, e.RefSeq,
			e.PrevHash, e.Hash, e.Host, e.BytesSent, e.AudioDuration.Microseconds(), e.SubjectID, e.SubjectEmail)
	}
	first, last := entries[0].Seq, entries[len(entries)-1].Seq
	res, err := tx.Exec(ctx, "INSERT INTO audit_entries ("+storedColumns+") VALUES "+
		strings.TrimSuffix(strings.Repeat(entryValues+", ", len(entries)), ", ")+" ON CONFLICT (seq) DO NOTHING", args...)
	if err != nil {
		return fmt.Errorf("inserting entries %d to %d: %w", first, last, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("inserting entries %d to %d: %w", first, last, err)
	} else if n == int64(len(entries)) {
		return nil
	}
	var at int64
	ids := make([]any, 0, len(entries)+2)
	ids = append(ids, first, last)
	for _, e := range entries {
		ids = append(ids, e.ID)
	}
	if err := tx.QueryRow(ctx, "SELECT MIN(seq) FROM audit_entries WHERE seq >= ? AND seq <= ? AND id NOT IN ("+
		strings.TrimSuffix(strings.Repeat("?, ", len(entries)), ", ")+")", ids...).Scan(&at); err != nil {
		return fmt.Errorf("inserting entries %d to %d: finding the row in the way: %w", first, last, err)
	}
	return inconsistent(at, "a row is already stored at entry %d, past the chain head at entry %d", at, first-1)
}

func randomID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}
