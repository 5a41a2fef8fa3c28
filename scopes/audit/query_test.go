package audit

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

const driveScope = "https://www.googleapis.com/auth/drive.readonly"

// queryFixture appends 14 entries: five completed requests (1–10), one left
// pending (11), a refusal (12) and a failed refresh (13–14).
func queryFixture(t *testing.T, db *sqldb.DB) *Trail {
	t.Helper()
	ctx := context.Background()
	tr := newTrail(db)
	fill(t, tr, 11)
	if _, err := tr.Append(ctx, Entry{ActorID: "u1", Event: EventDeny, Outcome: OutcomeDenied, ErrorReason: "suspended",
		APIName: "drive", MethodName: "drive.files.list", Scope: driveScope, Purpose: "recordings"}); err != nil {
		t.Fatalf("Append: %v", err)
	}
	b, err := tr.Begin(ctx, Entry{ActorID: "u2", Event: EventRefresh})
	if err != nil {
		t.Fatalf("Begin: %v", err)
	}
	if _, err := tr.Complete(ctx, b, Result{Event: EventRefreshFailed, Outcome: OutcomeError, HTTPStatus: 400, ErrorReason: "invalid_grant"}); err != nil {
		t.Fatalf("Complete: %v", err)
	}
	return tr
}

func seqs(es []Entry) []int64 {
	out := []int64{}
	for _, e := range es {
		out = append(out, e.Seq)
	}
	return out
}

func TestQuery(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		t.Parallel()
		tr := queryFixture(t, db)
		raw, err := tr.Query(ctx, Filter{Raw: true})
		if err != nil || len(raw.Entries) != 14 {
			t.Fatalf("raw Query = %d entries, %v", len(raw.Entries), err)
		}
		at := func(seq int) time.Time { return raw.Entries[seq-1].Time }
		for _, tc := range []struct {
			name string
			f    Filter
			want []int64
		}{
			{"everything", Filter{}, []int64{1, 3, 5, 7, 9, 11, 12, 13}},
			{"newest first", Filter{Desc: true}, []int64{13, 12, 11, 9, 7, 5, 3, 1}},
			{"user", Filter{UserID: "u1"}, []int64{1, 7, 12}},
			{"scope", Filter{Scope: driveScope}, []int64{3, 9, 12}},
			{"method", Filter{Method: "calendar.events.list"}, []int64{1, 7}},
			{"purpose", Filter{Purpose: "invite"}, []int64{5, 11}},
			{"event activity", Filter{Event: EventActivity}, []int64{1, 3, 5, 7, 9, 11}},
			{"event deny", Filter{Event: EventDeny}, []int64{12}},
			{"completed event", Filter{Event: EventRefreshFailed}, []int64{13}},
			{"outcome ok", Filter{Outcome: OutcomeOK}, []int64{1, 3, 5, 7, 9}},
			{"outcome unknown", Filter{Outcome: OutcomeUnknown}, []int64{11}},
			{"outcome error", Filter{Outcome: OutcomeError}, []int64{13}},
			{"time range", Filter{Since: at(5), Until: at(9)}, []int64{5, 7}},
			{"user and time range", Filter{UserID: "u1", Since: at(2), Until: at(14)}, []int64{7, 12}},
			{"cursor", Filter{Cursor: "7"}, []int64{9, 11, 12, 13}},
			{"cursor newest first", Filter{Cursor: "7", Desc: true}, []int64{5, 3, 1}},
			{"raw pending", Filter{Raw: true, Outcome: OutcomePending}, []int64{1, 3, 5, 7, 9, 11, 13}},
			{"raw event", Filter{Raw: true, Event: EventRefreshFailed}, []int64{14}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				p, err := tr.Query(ctx, tc.f)
				if err != nil {
					t.Fatalf("Query: %v", err)
				}
				if diff := cmp.Diff(tc.want, seqs(p.Entries)); diff != "" {
					t.Errorf("Query seqs (-want +got):\n%s", diff)
				}
			})
		}
		t.Run("completed entry", func(t *testing.T) {
			t.Parallel()
			p, err := tr.Query(ctx, Filter{Cursor: "2", Limit: 1})
			if err != nil || len(p.Entries) != 1 {
				t.Fatalf("Query = %+v, %v", p, err)
			}
			want := raw.Entries[2]
			want.Outcome, want.HTTPStatus, want.NumResponseBytes, want.Items, want.Latency = OutcomeOK, 200, 200, 2, time.Millisecond
			if diff := cmp.Diff(want, p.Entries[0]); diff != "" {
				t.Errorf("entry 3 as read (-want +got):\n%s", diff)
			}
			if p.Next != "3" {
				t.Errorf("Next = %q, want 3", p.Next)
			}
		})
		t.Run("pages", func(t *testing.T) {
			t.Parallel()
			for _, desc := range []bool{false, true} {
				var pages [][]int64
				f := Filter{Limit: 3, Desc: desc}
				for {
					p, err := tr.Query(ctx, f)
					if err != nil {
						t.Fatalf("Query: %v", err)
					}
					pages = append(pages, seqs(p.Entries))
					if p.Next == "" {
						break
					}
					f.Cursor = p.Next
				}
				want := [][]int64{{1, 3, 5}, {7, 9, 11}, {12, 13}}
				if desc {
					want = [][]int64{{13, 12, 11}, {9, 7, 5}, {3, 1}}
				}
				if diff := cmp.Diff(want, pages); diff != "" {
					t.Errorf("pages, desc %v (-want +got):\n%s", desc, diff)
				}
			}
		})
	})
}

func TestExport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tr := queryFixture(t, sqldbtest.SQLite(t))
	var buf bytes.Buffer
	if err := tr.Export(ctx, &buf, FormatCSV, Filter{Limit: 2}); err != nil {
		t.Fatalf("Export CSV: %v", err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("reading the CSV: %v", err)
	}
	if len(rows) != 9 || !cmp.Equal(rows[0], csvHeader) {
		t.Fatalf("CSV has %d rows, header %v", len(rows), rows[0])
	}
	if got := rows[8][6] + " " + rows[8][14] + " " + rows[8][13]; got != "refresh_failed error invalid_grant" {
		t.Errorf("last CSV row has event, outcome, reason %q", got)
	}
	buf.Reset()
	if err := tr.Export(ctx, &buf, FormatJSONL, Filter{Raw: true}); err != nil {
		t.Fatalf("Export JSONL: %v", err)
	}
	var got []record
	sc := bufio.NewScanner(&buf)
	for sc.Scan() {
		var r record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		got = append(got, r)
	}
	if len(got) != 14 || got[13].RefSeq != 13 || got[10].Outcome != "pending" || got[2].LatencyMicros != 0 || got[3].LatencyMicros != 1000 {
		t.Errorf("JSON Lines export: %+v", got)
	}
	if f, err := ParseFormat("ndjson"); err != nil || f != FormatJSONL {
		t.Errorf("ParseFormat(ndjson) = %q, %v", f, err)
	}
}

func TestUsage(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		t.Parallel()
		tr := queryFixture(t, db)
		got, err := tr.Usage(context.Background(), time.Time{})
		if err != nil {
			t.Fatalf("Usage: %v", err)
		}
		want := []Usage{
			{Scope: "https://www.googleapis.com/auth/calendar.events.readonly", Method: "calendar.events.list", UserID: "u1", Calls: 2},
			{Scope: "https://www.googleapis.com/auth/directory.readonly", Method: "people.people.listDirectoryPeople", UserID: "u3", Calls: 2},
			{Scope: driveScope, Method: "drive.files.get", UserID: "u2", Calls: 2},
		}
		if diff := cmp.Diff(want, got, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Last" }, cmp.Ignore())); diff != "" {
			t.Errorf("Usage (-want +got):\n%s", diff)
		}
	})
}
