package audit

import (
	"cmp"
	"context"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestDailyMatchesEntries appends a random trail on both databases, in
// steps, and after each step compares every user's daily figures, and
// everyone's, with those counted from the entries as stored: calls (begin
// entries), bytes (of outcomes), grants, revocations (of the user as
// subject) and last use.
func TestDailyMatchesEntries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t0 := time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC)
	users, scopesUsed := []string{"u1", "u2", "u3"}, []string{"s1", "s2"}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			tr := New(b.open(t), Options{})
			rng := rand.New(rand.NewPCG(3, 4))
			var stored []Entry
			add := func(e Entry, err error) {
				if err != nil {
					t.Fatal(err)
				}
				stored = append(stored, e)
			}
			for step, n := range []int{0, 40, 0, 25, 60} {
				for range n {
					e := Entry{Time: t0.Add(time.Duration(rng.Int64N(int64(20*24*time.Hour))) - 10*24*time.Hour),
						ActorID: users[rng.IntN(len(users))], Scope: scopesUsed[rng.IntN(len(scopesUsed))],
						MethodName: "m", Event: EventActivity, NumResponseBytes: rng.Int64N(1000)}
					switch rng.IntN(7) {
					case 0:
						e.Event, e.Scope = EventAuthorize, "s1 s2"
					case 1:
						e.Event, e.Scope, e.SubjectID = EventRevoke, "", users[rng.IntN(len(users))]
					case 2:
						e.Event = EventDeny
					case 3, 4:
						begun, err := tr.Begin(ctx, e)
						add(begun, err)
						add(tr.Complete(ctx, begun, Result{Outcome: OutcomeOK, NumResponseBytes: rng.Int64N(5000)}))
						continue
					}
					add(tr.Append(ctx, e))
				}
				since := t0.Add(-5 * 24 * time.Hour)
				for _, u := range append([]string{""}, users...) {
					got, err := tr.Daily(ctx, u, since)
					if err != nil {
						t.Fatal(err)
					}
					want := dailyOf(stored, u, since)
					if diff := gocmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
						t.Errorf("step %d, user %q: Daily differs from the entries (-entries +roll-up):\n%s", step, u, diff)
					}
				}
			}
		})
	}
}

// dailyOf counts the daily figures of user ("" for everyone) from the
// entries, as Daily is documented to.
func dailyOf(entries []Entry, user string, since time.Time) Daily {
	type key struct {
		day   time.Time
		scope string
	}
	usage, marks := map[key]*DailyUsage{}, map[time.Time]*DailyMark{}
	d := Daily{LastUse: map[string]time.Time{}}
	from := since.UTC().Truncate(24 * time.Hour)
	for _, e := range entries {
		day := e.Time.UTC().Truncate(24 * time.Hour)
		subject := cmp.Or(e.SubjectID, e.ActorID)
		switch {
		case e.Event == EventActivity && (user == "" || e.ActorID == user):
			if e.RefSeq == 0 && e.Time.After(d.LastUse[e.Scope]) {
				d.LastUse[e.Scope] = e.Time
			}
			if day.Before(from) {
				continue
			}
			u := usage[key{day, e.Scope}]
			if u == nil {
				u = &DailyUsage{Day: day, Scope: e.Scope}
				usage[key{day, e.Scope}] = u
			}
			u.Bytes += e.NumResponseBytes
			if e.RefSeq == 0 {
				u.Calls++
			}
		case (e.Event == EventAuthorize && (user == "" || e.ActorID == user)) ||
			(e.Event == EventRevoke && (user == "" || subject == user)):
			if day.Before(from) {
				continue
			}
			m := marks[day]
			if m == nil {
				m = &DailyMark{Day: day}
				marks[day] = m
			}
			if e.Event == EventAuthorize {
				m.Grants++
			} else {
				m.Revocations++
			}
		}
	}
	for _, u := range usage {
		d.Usage = append(d.Usage, *u)
	}
	slices.SortFunc(d.Usage, func(a, b DailyUsage) int { return cmp.Or(a.Day.Compare(b.Day), cmp.Compare(a.Scope, b.Scope)) })
	for _, m := range marks {
		d.Marks = append(d.Marks, *m)
	}
	slices.SortFunc(d.Marks, func(a, b DailyMark) int { return a.Day.Compare(b.Day) })
	return d
}

// TestDailyCountsEachEntryOnceUnderConcurrentReads reads the daily figures
// from several goroutines while entries are appended, on both databases:
// each entry must be counted once.
func TestDailyCountsEachEntryOnceUnderConcurrentReads(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	at := time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC)
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			tr := New(b.open(t), Options{})
			var wg sync.WaitGroup
			for w := range 4 {
				wg.Go(func() {
					for i := range 25 {
						if _, err := tr.Append(ctx, Entry{Time: at, ActorID: "u1", Scope: "s1", MethodName: "m", Event: EventActivity, NumResponseBytes: 10}); err != nil {
							t.Error(err)
							return
						}
						if i%5 == w {
							if _, err := tr.Daily(ctx, "", at); err != nil {
								t.Error(err)
								return
							}
						}
					}
				})
			}
			wg.Wait()
			got, err := tr.Daily(ctx, "u1", at)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Usage) != 1 || got.Usage[0].Calls != 100 || got.Usage[0].Bytes != 1000 {
				t.Errorf("after 100 calls of 10 bytes, Daily = %+v", got.Usage)
			}
		})
	}
}

// TestDailyDoesNotWaitForWriters: once the daily roll-up is stored, a
// chart reads it, with the entries appended since, while an append holds
// the write lock (on SQLite it would wait out the busy timeout), and
// counts those entries exactly.
func TestDailyDoesNotWaitForWriters(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			db := b.open(t)
			tr := New(db, Options{Now: newClock().Now})
			since := time.UnixMicro(1_700_000_000_000_000).UTC()
			calls := func() int64 {
				t.Helper()
				d, err := tr.Daily(ctx, "u1", since)
				if err != nil {
					t.Fatal(err)
				}
				var n int64
				for _, u := range d.Usage {
					n += u.Calls
				}
				return n
			}
			insertCalls(t, db, 1, 100)
			if got := calls(); got != 100 {
				t.Fatalf("first chart: %d calls, want 100", got)
			}
			insertCalls(t, db, 101, 50)
			defer holdWriteLock(ctx, t, db)()
			start := time.Now()
			got := calls()
			if waited := time.Since(start); waited > 3*time.Second {
				t.Errorf("the chart waited %v for the writer", waited)
			}
			if got != 150 {
				t.Errorf("chart beside a writer: %d calls, want 150", got)
			}
		})
	}
}
