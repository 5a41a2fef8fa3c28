package audit

import (
	"context"
	"database/sql"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// day is a day.
const day = 24 * time.Hour

// TestUsageSummaryMatchesFullScan builds a random trail on both databases
// and, as entries are appended and the windows move forward and back,
// compares the roll-up's summary with the full scan of UsageWindows and
// LastUse: they must be equal every time.
func TestUsageSummaryMatchesFullScan(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t0 := time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC)
	users, scopesUsed, methods := []string{"u1", "u2", "u3", "u4"}, []string{"s1", "s2", "s3"}, []string{"m1", "m2"}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			tr := New(b.open(t), Options{})
			rng := rand.New(rand.NewPCG(1, 2))
			appendSome := func(n int) {
				for range n {
					e := Entry{Time: t0.Add(time.Duration(rng.Int64N(int64(100*24*time.Hour))) - 80*24*time.Hour),
						ActorID: users[rng.IntN(len(users))], Scope: scopesUsed[rng.IntN(len(scopesUsed))],
						MethodName: methods[rng.IntN(len(methods))], Event: EventActivity}
					switch rng.IntN(6) {
					case 0:
						e.Event = EventDeny
					case 1:
						e.Scope = ""
					case 2:
						begun, err := tr.Begin(ctx, e)
						if err != nil {
							t.Fatal(err)
						}
						if _, err := tr.Complete(ctx, begun, Result{Outcome: OutcomeOK}); err != nil {
							t.Fatal(err)
						}
						continue
					}
					if _, err := tr.Append(ctx, e); err != nil {
						t.Fatal(err)
					}
				}
			}
			for i, step := range []struct {
				appends int
				now     time.Duration
			}{{0, 0}, {60, 0}, {0, 0}, {20, 3 * day}, {5, -9 * day}, {0, 45 * day}, {15, 2 * time.Hour}, {30, -200 * day}, {10, 0}} {
				appendSome(step.appends)
				now := t0.Add(step.now)
				got, err := tr.UsageSummary(ctx, now.Add(-30*day), now.Add(-7*day))
				if err != nil {
					t.Fatal(err)
				}
				want, err := tr.UsageWindows(ctx, now.Add(-30*day), now.Add(-7*day))
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, got.Windows, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("step %d: the roll-up's windows differ from the full scan's (-scan +roll-up):\n%s", i, diff)
				}
				for _, u := range append(users, "u9") {
					for _, s := range scopesUsed {
						want, err := tr.LastUse(ctx, u, s)
						if err != nil {
							t.Fatal(err)
						}
						if got := got.LastUse[UserScope{u, s}]; !got.Equal(want) {
							t.Errorf("step %d: the roll-up's last use of %s by %s is %v; the full scan's %v", i, s, u, got, want)
						}
					}
				}
			}
		})
	}
}

// TestUsageSummaryCatchesUpInChunks rolls up a trail longer than one
// transaction's chunk and counts every call.
func TestUsageSummaryCatchesUpInChunks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := backends[0].open(t)
	tr := New(db, Options{Now: newClock().Now})
	const n = rollupChunk + 10
	insertCalls(t, db, 1, n)
	since := time.UnixMicro(1_700_000_000_000_000).UTC()
	got, err := tr.UsageSummary(ctx, since, since)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Windows) != 1 || got.Windows[0].Calls != n {
		t.Errorf("UsageSummary = %+v; want %d calls", got.Windows, n)
	}
}

// insertCalls stores n calls by u1 with scope s straight into the trail,
// at seqs from first on, a microsecond apart from 1,700,000,000 s: fast,
// and not chained, which the roll-up does not look at.
func insertCalls(t *testing.T, db *sqldb.DB, first, n int) {
	t.Helper()
	var args []any
	stmt := ""
	for i := first; i < first+n; i++ {
		if stmt != "" {
			stmt += ", "
		}
		stmt += "(?, 'id', 1, 'c', ?, 'u1', '', '', 'activity', '', 'm', 's', '', '', 0, '', 'ok', 0, 0, 0, '', '', 0, '', '')"
		args = append(args, i, int64(1_700_000_000_000_000+i))
		if (i-first+1)%500 == 0 || i == first+n-1 {
			if _, err := db.Exec(context.Background(), `INSERT INTO audit_entries (seq, id, version, chain_id, time_us, actor_id, actor_email, client_id,
				event, api_name, method_name, scope, purpose, resource, http_status, error_reason, outcome, num_response_bytes, items,
				latency_us, request_id, replica, ref_seq, prev_hash, hash) VALUES `+stmt, args...); err != nil {
				t.Fatal(err)
			}
			stmt, args = "", nil
		}
	}
}

// TestUsageSummaryDoesNotWaitForWriters: once a roll-up is stored, a
// summary reads it, and the entries since, without the write lock, so a
// report loads while an append holds it (on SQLite it would wait out the
// busy timeout); it stores the roll-up again only once it has fallen
// rollupWriteBack entries behind.
func TestUsageSummaryDoesNotWaitForWriters(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			db := b.open(t)
			tr := New(db, Options{Now: newClock().Now})
			since := time.UnixMicro(1_700_000_000_000_000).UTC()
			stored := func() (upto int64) {
				t.Helper()
				if err := db.QueryRow(ctx, "SELECT upto_seq FROM audit_usage_state WHERE id = 1").Scan(&upto); err != nil {
					t.Fatal(err)
				}
				return upto
			}
			calls := func() int64 {
				t.Helper()
				got, err := tr.UsageSummary(ctx, since, since)
				if err != nil {
					t.Fatal(err)
				}
				if len(got.Windows) != 1 {
					t.Fatalf("UsageSummary = %+v; want one row", got.Windows)
				}
				return got.Windows[0].Calls
			}

			insertCalls(t, db, 1, 100)
			if got := calls(); got != 100 || stored() != 100 {
				t.Fatalf("first summary: %d calls, roll-up stored up to %d; want 100 and 100", got, stored())
			}
			insertCalls(t, db, 101, 50)
			release := holdWriteLock(ctx, t, db)
			start := time.Now()
			got := calls()
			if waited := time.Since(start); waited > 3*time.Second {
				t.Errorf("the summary waited %v for the writer", waited)
			}
			release()
			if got != 150 || stored() != 100 {
				t.Errorf("summary beside a writer: %d calls, roll-up stored up to %d; want 150 and still 100", got, stored())
			}

			insertCalls(t, db, 151, rollupWriteBack)
			if got, want := calls(), int64(150+rollupWriteBack); got != want || stored() != want {
				t.Errorf("summary %d entries behind: %d calls, roll-up stored up to %d; want %d and %d", rollupWriteBack, got, stored(), want, want)
			}
		})
	}
}

// TestRollUpStoredKeepsTheRollupCurrent: the background roll-up does
// nothing before a report has stored one; after, it counts the entries
// appended since, in the windows stored, so that the next summary reads
// none of them again.
func TestRollUpStoredKeepsTheRollupCurrent(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := b.open(t)
			tr := New(db, Options{Now: newClock().Now})
			since := time.UnixMicro(1_700_000_000_000_000).UTC()
			state := func() (upto, sinceUS int64, ok bool) {
				t.Helper()
				err := db.QueryRow(ctx, "SELECT upto_seq, since_us FROM audit_usage_state WHERE id = 1").Scan(&upto, &sinceUS)
				if errors.Is(err, sql.ErrNoRows) {
					return 0, 0, false
				}
				if err != nil {
					t.Fatal(err)
				}
				return upto, sinceUS, true
			}

			insertCalls(t, db, 1, 40)
			if err := tr.rollUpStored(ctx); err != nil {
				t.Fatal(err)
			}
			if _, _, ok := state(); ok {
				t.Fatal("the background roll-up stored a roll-up before any report asked for one")
			}
			if _, err := tr.UsageSummary(ctx, since, since); err != nil {
				t.Fatal(err)
			}
			insertCalls(t, db, 41, 60)
			if err := tr.rollUpStored(ctx); err != nil {
				t.Fatal(err)
			}
			if upto, sinceUS, _ := state(); upto != 100 || sinceUS != since.UnixMicro() {
				t.Errorf("after the background roll-up the stored roll-up counts up to entry %d since %d; want 100 since %d", upto, sinceUS, since.UnixMicro())
			}
			got, err := tr.UsageSummary(ctx, since, since)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Windows) != 1 || got.Windows[0].Calls != 100 {
				t.Errorf("UsageSummary after the background roll-up = %+v; want 100 calls", got.Windows)
			}
		})
	}
}

// holdWriteLock takes db's write lock with an uncommitted write, as an
// append in progress does, until release rolls it back.
func holdWriteLock(ctx context.Context, t *testing.T, db *sqldb.DB) (release func()) {
	t.Helper()
	writer, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := writer.ExecContext(ctx, db.Rebind("INSERT INTO settings (name, value) VALUES (?, ?)"), "held", "lock"); err != nil {
		writer.Rollback()
		t.Fatal(err)
	}
	return func() { writer.Rollback() }
}
