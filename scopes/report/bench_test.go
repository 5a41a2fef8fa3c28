package report

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// benchBackends are the databases the benchmarks run on; PostgreSQL needs
// TEST_POSTGRES_URL.
var benchBackends = []struct {
	name string
	open func(testing.TB) *sqldb.DB
}{{"sqlite", sqldbtest.SQLite}, {"postgres", sqldbtest.Postgres}}

// BenchmarkBuild builds the report over 1,000 grants and 1,000,000 API
// calls spread over 60 days, made by 950 of the users, each with every
// method; 50 users never call anything (PostgreSQL needs TEST_POSTGRES_URL):
//
//	go test -run '^$' -bench Build -benchtime 20x ./scopes/report
//
// Each report comes a minute after the one before, with 10 new calls in
// between (inserted as bulkCalls does), as a reviewer reloading the page would see. It reports ms/build,
// first-build-ms (the first report, which rolls up the whole trail) and
// full-scan-ms, the time UsageWindows and LastUse, which read the trail
// itself, take for the same report, measured in the same run.
func BenchmarkBuild(b *testing.B) {
	const users, calls = 1000, 1_000_000
	for _, bk := range benchBackends {
		b.Run(bk.name, func(b *testing.B) {
			db := bk.open(b)
			ctx := context.Background()
			grants := grant.NewStore(db, func() time.Time { return granted })
			for u := range users {
				if _, err := grants.Record(ctx, fmt.Sprintf("u%04d", u), "client-1", []string{scopes.DirectoryReadonly,
					scopes.CalendarReadonly, scopes.CalendarEventsReadonly, scopes.DriveReadonly}); err != nil {
					b.Fatal(err)
				}
			}
			bulkCalls(b, db, users, calls)
			at, seq := now, int64(calls)
			trail := audit.New(db, audit.Options{})
			start := time.Now()
			if _, err := Build(ctx, grants, trail, scopes.All(), at); err != nil {
				b.Fatal(err)
			}
			first := time.Since(start)
			b.ResetTimer()
			for b.Loop() {
				b.StopTimer()
				at = at.Add(time.Minute)
				seq = tenCalls(b, db, seq, at)
				b.StartTimer()
				rep, err := Build(ctx, grants, trail, scopes.All(), at)
				if err != nil || len(rep.Scopes[0].Holders) != users {
					b.Fatalf("Build: %v", err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/build")
			b.ReportMetric(float64(first.Milliseconds()), "first-build-ms")
			b.StopTimer()
			b.ReportMetric(fullScan(b, trail, at), "full-scan-ms")
		})
	}
}

// tenCalls inserts 10 calls at one time after entry seq, by users u0000
// to u0009, as bulkCalls does, and returns the last one's seq.
func tenCalls(b *testing.B, db *sqldb.DB, seq int64, at time.Time) int64 {
	for i := range 10 {
		seq++
		if _, err := db.Exec(context.Background(), `INSERT INTO audit_entries (seq, id, version, chain_id, time_us, actor_id, actor_email,
			client_id, event, api_name, method_name, scope, purpose, resource, http_status, error_reason, outcome,
			num_response_bytes, items, latency_us, request_id, replica, ref_seq, prev_hash, hash)
			VALUES (?, ?, 1, 'bench', ?, ?, '', 'c', 'activity', '', 'drive.files.get', ?, 'p', '', 200, '', 'ok', 0, 0, 0, '', 'bench', 0, '', '')`,
			seq, fmt.Sprintf("id%d", seq), at.UnixMicro(), fmt.Sprintf("u%04d", i), scopes.DriveReadonly); err != nil {
			b.Fatal(err)
		}
	}
	return seq
}

// fullScan returns the milliseconds that reading the report's usage from
// the trail itself takes: the windows, and the last use of each of the 50
// users who made no call.
func fullScan(b *testing.B, trail *audit.Trail, at time.Time) float64 {
	ctx := context.Background()
	start := time.Now()
	if _, err := trail.UsageWindows(ctx, at.Add(-Month), at.Add(-Week)); err != nil {
		b.Fatal(err)
	}
	for u := 950; u < 1000; u++ {
		for _, s := range []string{scopes.DirectoryReadonly, scopes.CalendarReadonly, scopes.CalendarEventsReadonly, scopes.DriveReadonly} {
			if _, err := trail.LastUse(ctx, fmt.Sprintf("u%04d", u), s); err != nil {
				b.Fatal(err)
			}
		}
	}
	return float64(time.Since(start).Microseconds()) / 1000
}

// bulkCalls inserts n activity entries with multi-row inserts, fast but not
// a valid chain: the report reads usage, not the chain.
func bulkCalls(b *testing.B, db *sqldb.DB, users, n int) {
	const rows = 200
	ctx := context.Background()
	methods := []struct{ scope, method string }{
		{scopes.DirectoryReadonly, "people.people.listDirectoryPeople"}, {scopes.CalendarEventsReadonly, "calendar.events.list"},
		{scopes.CalendarReadonly, "calendar.calendarList.list"}, {scopes.DriveReadonly, "drive.files.list"},
		{scopes.DriveReadonly, "drive.files.get"},
	}
	step := (60 * day).Microseconds() / int64(n)
	values := strings.TrimSuffix(strings.Repeat("(?, ?, 1, 'bench', ?, ?, '', 'c', 'activity', '', ?, ?, 'p', '', 200, '', 'ok', 0, 0, 0, '', 'bench', 0, '', ''),", rows), ",")
	stmt := `INSERT INTO audit_entries (seq, id, version, chain_id, time_us, actor_id, actor_email, client_id, event,
		api_name, method_name, scope, purpose, resource, http_status, error_reason, outcome, num_response_bytes, items,
		latency_us, request_id, replica, ref_seq, prev_hash, hash) VALUES ` + values
	start := now.Add(-60 * day).UnixMicro()
	err := db.InTx(ctx, func(tx *sqldb.Tx) error {
		for s := 0; s < n; s += rows {
			args := make([]any, 0, rows*6)
			for i := s; i < s+rows; i++ {
				m := methods[i%len(methods)]
				args = append(args, i+1, fmt.Sprintf("id%d", i+1), start+int64(i)*step, fmt.Sprintf("u%04d", (i/len(methods)*7919)%(users-users/20)), m.method, m.scope)
			}
			if _, err := tx.Exec(ctx, stmt, args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatalf("bulk insert: %v", err)
	}
	if _, err := db.Exec(ctx, "ANALYZE audit_entries"); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkChart reads everyone's 90-day usage chart, and one user's,
// over the trail of BenchmarkBuild, each a minute after the one before
// with 10 new calls in between:
//
//	go test -run '^$' -bench Chart -benchtime 20x ./scopes/report
//
// It reports ms/chart (both charts) and first-chart-ms, the first, which
// rolls up the whole trail by day.
func BenchmarkChart(b *testing.B) {
	const users, calls = 1000, 1_000_000
	for _, bk := range benchBackends {
		b.Run(bk.name, func(b *testing.B) {
			db := bk.open(b)
			ctx := context.Background()
			bulkCalls(b, db, users, calls)
			at, seq := now, int64(calls)
			trail := audit.New(db, audit.Options{})
			builder := Builder{Daily: trail, Now: func() time.Time { return at }}
			start := time.Now()
			if _, err := builder.Chart(ctx, "", 90); err != nil {
				b.Fatal(err)
			}
			first := time.Since(start)
			b.ResetTimer()
			for b.Loop() {
				b.StopTimer()
				at = at.Add(time.Minute)
				seq = tenCalls(b, db, seq, at)
				b.StartTimer()
				all, err := builder.Chart(ctx, "", 90)
				if err != nil || len(all.Usage) == 0 {
					b.Fatalf("Chart: %v", err)
				}
				if _, err := builder.Chart(ctx, "u0001", 90); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/chart")
			b.ReportMetric(float64(first.Milliseconds()), "first-chart-ms")
		})
	}
}
