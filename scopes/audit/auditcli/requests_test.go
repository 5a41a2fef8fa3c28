package auditcli

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/scopes/audit"
)

// TestRequestsJoin checks how tail makes one row per request of the
// entries it reads: a pending entry and its outcome make one row, with the
// first's number and time and the second's outcome, read together or
// apart; a request still in flight shows as pending once it has waited,
// and again with its outcome when that comes.
func TestRequestsJoin(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	begin := func(seq int64) audit.Entry {
		return audit.Entry{Seq: seq, Time: at(int(seq)), MethodName: "drive.files.get", Outcome: audit.OutcomePending}
	}
	outcome := func(seq, ref int64, o audit.Outcome) audit.Entry {
		return audit.Entry{Seq: seq, Time: at(int(seq)), MethodName: "drive.files.get", Outcome: o, RefSeq: ref, NumResponseBytes: 10 * seq}
	}
	type row struct {
		Seq     int64
		Time    time.Time
		Outcome audit.Outcome
		Bytes   int64
	}
	rowsOf := func(es []audit.Entry) []row {
		var out []row
		for _, e := range es {
			out = append(out, row{e.Seq, e.Time, e.Outcome, e.NumResponseBytes})
		}
		return out
	}

	r := newRequests()
	got := r.batch([]audit.Entry{
		outcome(1, 0, audit.OutcomeOK),                                                        // an entry of its own, as a revocation
		outcome(2, 0, audit.OutcomeDenied),                                                    // a refusal
		begin(3), begin(4), outcome(5, 4, audit.OutcomeOK), outcome(6, 3, audit.OutcomeError), // two requests whose entries interleave
		begin(7), // in flight
		outcome(8, 0, audit.OutcomeOK),
	}, t0)
	want := []row{{1, at(1), audit.OutcomeOK, 10}, {2, at(2), audit.OutcomeDenied, 20}, {3, at(3), audit.OutcomeError, 60},
		{4, at(4), audit.OutcomeOK, 50}, {7, at(7), audit.OutcomePending, 0}, {8, at(8), audit.OutcomeOK, 80}}
	if diff := cmp.Diff(want, rowsOf(got)); diff != "" {
		t.Errorf("batch (-want +got):\n%s", diff)
	}

	// Followed: a request read pending waits for its outcome, and is one
	// row when it comes.
	if _, ok := r.next(begin(9), t0); ok {
		t.Error("a pending entry was printed at once")
	}
	if rows := r.stale(t0.Add(pendingWait-time.Second), pendingWait); len(rows) != 0 {
		t.Errorf("printed pending before it waited: %v", rowsOf(rows))
	}
	if e, ok := r.next(outcome(10, 9, audit.OutcomeOK), t0); !ok || cmp.Diff(row{9, at(9), audit.OutcomeOK, 100}, rowsOf([]audit.Entry{e})[0]) != "" {
		t.Errorf("the outcome of a waiting request: %v, %v", ok, rowsOf([]audit.Entry{e}))
	}
	// One that waits long is printed pending, once, and again with its
	// outcome; so is the one the batch printed pending.
	r.next(begin(11), t0)
	if diff := cmp.Diff([]row{{11, at(11), audit.OutcomePending, 0}}, rowsOf(r.stale(t0.Add(pendingWait), pendingWait))); diff != "" {
		t.Errorf("stale (-want +got):\n%s", diff)
	}
	if rows := r.stale(t0.Add(time.Hour), pendingWait); len(rows) != 0 {
		t.Errorf("printed pending twice: %v", rowsOf(rows))
	}
	var later []audit.Entry
	for _, e := range []audit.Entry{outcome(12, 11, audit.OutcomeOK), outcome(13, 7, audit.OutcomeError), outcome(14, 2, audit.OutcomeOK)} {
		if e, ok := r.next(e, t0); ok {
			later = append(later, e)
		}
	}
	// An outcome whose pending entry was never read is numbered as that entry.
	want = []row{{11, at(11), audit.OutcomeOK, 120}, {7, at(7), audit.OutcomeError, 130}, {2, at(14), audit.OutcomeOK, 140}}
	if diff := cmp.Diff(want, rowsOf(later)); diff != "" {
		t.Errorf("outcomes followed (-want +got):\n%s", diff)
	}
}
