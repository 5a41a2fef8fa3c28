package audit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// witnessTimeout bounds one checkpoint's witnessing.
const witnessTimeout = 10 * time.Second

// RunCheckpoints checkpoints the trail every Options.CheckpointInterval
// when it has entries that no checkpoint covers, and hands every checkpoint
// this process makes, by count or by time, to the witnesses. It blocks
// until ctx ends, then witnesses what is still waiting and returns. It
// returns at once without a signing key. Failures are logged and retried
// at the next checkpoint: they never hold up an append.
func (t *Trail) RunCheckpoints(ctx context.Context) {
	if t.signer == nil {
		return
	}
	tick := time.NewTicker(t.interval)
	defer tick.Stop()
	t.nextDue.Store(t.now().Add(t.interval).UnixMicro())
	defer t.nextDue.Store(0)
	for {
		select {
		case <-ctx.Done():
			t.drainWitness(context.WithoutCancel(ctx))
			return
		case <-t.witWake:
			t.drainWitness(ctx)
		case <-tick.C:
			t.nextDue.Store(t.now().Add(t.interval).UnixMicro())
			t.timedCheckpoint(ctx)
			t.drainWitness(ctx)
		}
	}
}

// timedCheckpoint checkpoints the head if no checkpoint covers it.
func (t *Trail) timedCheckpoint(ctx context.Context) {
	if _, err := t.Checkpoint(ctx); err != nil && ctx.Err() == nil && !errors.Is(err, ErrEmpty) {
		t.log.Error("audit checkpoint failed", "err", err)
	}
}

// queueWitness leaves cp for RunCheckpoints to witness, in place of any
// older checkpoint still waiting: a witness only needs the latest.
func (t *Trail) queueWitness(cp Checkpoint) {
	if len(t.witnesses) == 0 {
		return
	}
	t.witMu.Lock()
	if t.wit == nil || t.wit.Number < cp.Number {
		t.wit = &cp
	}
	t.witMu.Unlock()
	select {
	case t.witWake <- struct{}{}:
	default:
	}
}

// drainWitness witnesses the checkpoint waiting, if any.
func (t *Trail) drainWitness(ctx context.Context) {
	t.witMu.Lock()
	cp := t.wit
	t.wit = nil
	t.witMu.Unlock()
	if cp != nil {
		t.witness(ctx, *cp)
	}
}

// witness hands cp to every witness, each within witnessTimeout, and logs
// the ones that fail.
func (t *Trail) witness(ctx context.Context, cp Checkpoint) {
	vkey, err := VerifierKey(t.PublicKey())
	if err != nil {
		t.log.Error("audit checkpoint not witnessed", "err", err)
		return
	}
	for _, w := range t.witnesses {
		wctx, cancel := context.WithTimeout(ctx, witnessTimeout)
		err := w.Witness(wctx, WitnessRequest{Note: []byte(cp.Note), Number: cp.Number, Size: cp.Seq, VerifierKey: vkey,
			Prove: func(ctx context.Context, old int64) (tlog.TreeProof, error) { return t.proveTree(ctx, cp.Seq, old) }})
		cancel()
		if err != nil {
			t.log.Warn("audit checkpoint not witnessed; the next checkpoint tries again",
				"witness", fmt.Sprint(w), "number", cp.Number, "size", cp.Seq, "err", err)
		}
	}
}

// proveTree returns the proof that the tree of size size extends the tree
// of size old, from the stored tree.
func (t *Trail) proveTree(ctx context.Context, size, old int64) (tlog.TreeProof, error) {
	if old <= 0 || old >= size {
		return nil, nil
	}
	return tlog.ProveTree(size, old, newTreeReader(ctx, t.db))
}
