package audit

import (
	"context"
	"fmt"
	"runtime"
)

// maxBatch bounds how many concurrent appends share one transaction.
const maxBatch = 256

// pending is one append waiting for its batch.
type pending struct {
	in, out Entry
	err     error
	// done is closed once the batch is written; wake promotes a waiting
	// append to leader. Both are nil on an outcome queued by CompleteAsync,
	// which nobody waits for.
	done chan struct{}
	wake chan struct{}
}

// append queues e for the next batch and waits until it is committed. The
// first append to find no batch in progress leads: it writes what is queued
// in one transaction, then hands the lead to the next waiting append.
func (t *Trail) append(ctx context.Context, e Entry) (Entry, error) {
	if e.Event == "" {
		return Entry{}, fmt.Errorf("appending: event is empty: %w", ErrInvalidEntry)
	}
	if err := ctx.Err(); err != nil {
		return Entry{}, fmt.Errorf("appending %s entry: %w", e.Event, err)
	}
	p := &pending{in: e, done: make(chan struct{}), wake: make(chan struct{}, 1)}
	t.mu.Lock()
	lead := t.enqueueLocked(p)
	t.mu.Unlock()
	if !lead {
		select {
		case <-p.done:
			return p.out, p.err
		case <-p.wake:
		}
	}
	t.lead(ctx)
	return p.out, p.err
}

// appendAsync queues e for the next batch without waiting for it. When no
// batch is in progress, a goroutine leads one.
func (t *Trail) appendAsync(e Entry) {
	t.mu.Lock()
	t.queued++
	lead := t.enqueueLocked(&pending{in: e})
	t.mu.Unlock()
	if lead {
		go t.lead(context.Background())
	}
}

// enqueueLocked queues p and reports whether its caller leads the next
// batch, because none is in progress. t.mu is held.
func (t *Trail) enqueueLocked(p *pending) bool {
	t.queue = append(t.queue, p)
	lead := !t.flushing
	t.flushing = true
	return lead
}

// lead writes one batch: the appends queued by the time the transaction
// holds the chain's head, so that those that arrive while it waits for the
// head join it. Then it hands the lead on, to the first append still
// queued, and makes the count checkpoints the batch crossed.
func (t *Trail) lead(ctx context.Context) {
	var batch []*pending
	take := func() []*pending {
		if batch == nil {
			// Let the appends just woken by the last batch queue up
			// first: on a busy machine they may not have run yet.
			runtime.Gosched()
			t.mu.Lock()
			n := min(len(t.queue), maxBatch)
			batch = t.queue[:n:n]
			t.queue = t.queue[n:]
			t.mu.Unlock()
		}
		return batch
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), t.timeout)
	err := t.writeTaken(wctx, take)
	cancel()
	take()
	var async int64
	for _, b := range batch {
		if err != nil {
			b.out, b.err = Entry{}, fmt.Errorf("appending %s entry: %w", b.in.Event, err)
		}
		if b.done == nil {
			async++
			if err != nil {
				t.log.Error("audit outcome lost: its request reads as unknown", "ref_seq", b.in.RefSeq, "err", b.err)
			}
			continue
		}
		close(b.done)
	}

	t.mu.Lock()
	if async > 0 {
		t.written += async
		if err != nil && t.lost == nil {
			t.lost = fmt.Errorf("audit: writing queued outcomes: %w", err)
		}
		t.wrote.Broadcast()
	}
	switch {
	case len(t.queue) == 0:
		t.flushing = false
	case t.queue[0].wake != nil:
		t.queue[0].wake <- struct{}{}
	default:
		go t.lead(context.WithoutCancel(ctx))
	}
	if err != nil {
		t.mu.Unlock()
		return
	}
	t.checkpointing++
	t.mu.Unlock()
	t.checkpointBatch(ctx, batch[0].out.Seq, batch[len(batch)-1].out.Seq)
	t.mu.Lock()
	t.checkpointing--
	t.wrote.Broadcast()
	t.mu.Unlock()
}

// settle waits until the outcomes queued by CompleteAsync before it was
// called are written, or failed to be, so that a read sees them.
func (t *Trail) settle() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for target := t.queued; t.written < target; {
		t.wrote.Wait()
	}
}

// Close writes the outcomes queued by CompleteAsync, waiting for them and
// for the count checkpoints being made, and returns an error if one of those queued so far could not be written. It
// runs when the trail's database closes (sqldb.DB.Close). The trail stays
// usable.
func (t *Trail) Close() error {
	t.settle()
	t.mu.Lock()
	defer t.mu.Unlock()
	for t.checkpointing > 0 {
		t.wrote.Wait()
	}
	return t.lost
}

// checkpointBatch makes the count checkpoints that a batch of entries first
// to last crossed, after it committed and handed on the lead, so that the
// appends queued behind it do not wait. A failure is logged: the entries
// are durable, and the next checkpoint covers them.
func (t *Trail) checkpointBatch(ctx context.Context, first, last int64) {
	if t.signer == nil || t.every <= 0 {
		return
	}
	ctx = context.WithoutCancel(ctx)
	for m := (first + t.every - 1) / t.every * t.every; m <= last; m += t.every {
		cp, made, err := t.checkpointAt(ctx, m)
		if err != nil {
			t.log.Error("audit checkpoint failed", "size", m, "err", err)
			return
		}
		if made {
			t.queueWitness(cp)
		}
	}
}
