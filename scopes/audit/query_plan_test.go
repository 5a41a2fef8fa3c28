package audit

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestUserFilterUsesIndexes checks that SQLite reads every side of the
// user filter (actor, subject id, subject email) through an index, the
// subject's partial indexes included, rather than scanning the trail.
func TestUserFilterUsesIndexes(t *testing.T) {
	db := sqldbtest.SQLite(t)
	for _, f := range []Filter{{UserID: "u1", UserEmail: "zoe@example.com"}, {UserID: "u1"}, {UserID: "u1", Raw: true}} {
		q, args := buildQuery(f, window{desc: true}, 50)
		text := sqlitePlan(t, db, q, args...)
		want := []string{"audit_entries_actor_time", "audit_entries_subject_time"}
		if f.UserEmail != "" {
			want = append(want, "audit_entries_subject_email_time")
		}
		for _, index := range want {
			if !strings.Contains(text, index) {
				t.Errorf("filter %+v: the plan does not use %s:\n%s", f, index, text)
			}
		}
		if strings.Contains(text, "SCAN b\n") || strings.HasSuffix(text, "SCAN b") {
			t.Errorf("filter %+v: the plan scans the trail:\n%s", f, text)
		}
	}
}

// TestEgressUsesItsIndex checks that SQLite sums the transcription egress
// from the partial index of transcription entries, not from the index of
// every entry by time, whose cost grows with the whole trail.
func TestEgressUsesItsIndex(t *testing.T) {
	db := sqldbtest.SQLite(t)
	if text := sqlitePlan(t, db, egressQuery, egressArgs(time.Now())...); !strings.Contains(text, "audit_entries_egress") {
		t.Errorf("the egress summary does not read audit_entries_egress:\n%s", text)
	}
}

// TestRollupReadsOnlyNewEntries checks that SQLite reads the entries the
// usage roll-up adds by seq, and those a moving window crosses by time,
// rather than every call of the trail through the usage index.
func TestRollupReadsOnlyNewEntries(t *testing.T) {
	db := sqldbtest.SQLite(t)
	for q, want := range map[string]string{newEntries: "(seq>? AND seq<?)", windowEntries: "audit_entries_time"} {
		if text := sqlitePlan(t, db, q, 1, 2, 3); !strings.Contains(text, want) {
			t.Errorf("%s\nis read by:\n%s\nwant %s", q, text, want)
		}
	}
}

// sqlitePlan returns SQLite's plan of query q with args, one step a line.
func sqlitePlan(t *testing.T, db *sqldb.DB, q string, args ...any) string {
	t.Helper()
	rows, err := db.Query(context.Background(), "EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(plan, "\n")
}
