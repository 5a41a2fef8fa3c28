package report

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// findings sets up a workspace with each kind of finding and returns its
// Builder, on db.
func findings(t *testing.T, db *sqldb.DB) Builder {
	trail := setUp(t, db, []holding{
		{user: "u1", scopes: []string{scopes.CalendarReadonly, scopes.CalendarEventsReadonly, scopes.DirectoryReadonly}},
		{user: "u2", scopes: []string{scopes.DriveReadonly}, revoked: true},
		{user: "u3", scopes: []string{scopes.DirectoryReadonly}, at: ago(time.Minute)},
		{user: "u4", scopes: []string{scopes.DriveReadonly}},
	}, []call{
		{"u4", scopes.DriveReadonly, "drive.files.list", ago(day), 1, ""},
		{"u1", scopes.CalendarEventsReadonly, "calendar.events.list", ago(day), 4, ""},
		{"u1", scopes.CalendarReadonly, "calendar.events.list", ago(2 * day), 1, ""},
		{"u2", scopes.DriveReadonly, "drive.files.list", ago(3 * day), 6, ""},
	})
	return Builder{Grants: grant.NewStore(db, nil), Usage: trail, Daily: trail, RequestTrail: trail, Registry: scopes.All(), Now: func() time.Time { return now }}
}

func TestSummaryCountsFindings(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		rep, err := findings(t, db).Build(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		got := rep.Summary()
		// u1 holds 3 scopes, u3 and u4 one; u1's directory grant is
		// unused, u3's new; u1's calendar.events.readonly is redundant next
		// to calendar.readonly; drive.meet.readonly would serve every call
		// made with drive.readonly.
		want := Summary{Holders: 5, Unused: 1, NotYetUsed: 1, Redundant: 1, Alternatives: 1}
		if got != want {
			t.Errorf("Summary = %+v, want %+v", got, want)
		}

		var csvOut bytes.Buffer
		if err := rep.WriteCSV(&csvOut, func(id string) string { return id + "@example.com" }); err != nil {
			t.Fatal(err)
		}
		text := csvOut.String()
		for _, line := range []string{
			strings.Join(CSVHeader, ","),
			"https://www.googleapis.com/auth/directory.readonly,sensitive,true,u1,u1@example.com,unused,2026-01-10T09:00:00Z,0,0,,,,false",
			"https://www.googleapis.com/auth/drive.readonly,restricted,true,u2,u2@example.com,former_revoked,,6,6,2026-03-28T12:00:00Z,,https://www.googleapis.com/auth/drive.meet.readonly,true",
		} {
			if !strings.Contains(text, line+"\n") {
				t.Errorf("the CSV lacks the line\n%s\nin\n%s", line, text)
			}
		}
		var js struct {
			Summary map[string]int `json:"summary"`
			Rows    []Row          `json:"rows"`
		}
		var jsonOut bytes.Buffer
		if err := rep.WriteJSON(&jsonOut, func(string) string { return "" }); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(jsonOut.Bytes(), &js); err != nil {
			t.Fatal(err)
		}
		if js.Summary["unused"] != 1 || js.Summary["narrower_alternatives"] != 1 || len(js.Rows) != 6 {
			t.Errorf("JSON summary %v with %d rows; want 1 unused, 1 alternative, 6 rows", js.Summary, len(js.Rows))
		}
	})
}

func TestAskToNarrowIsAuditedAndShownToItsUser(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		b := findings(t, db)
		for _, note := range []string{"first", "calendar.events.readonly is\nenough"} {
			if err := b.Ask(ctx, Request{ByID: "rev", ByEmail: "rev@example.com", UserID: "u1", Scope: scopes.CalendarReadonly, Note: note}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := b.Requests(ctx, "u1")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Note != "calendar.events.readonly is enough" || got[0].ByEmail != "rev@example.com" || got[0].Scope != scopes.CalendarReadonly {
			t.Errorf("Requests(u1) = %+v; want the latest request about calendar.readonly, on one line", got)
		}
		if other, err := b.Requests(ctx, "u3"); err != nil || len(other) != 0 {
			t.Errorf("Requests(u3) = %+v, %v; want none", other, err)
		}
		if mine, err := b.Requests(ctx, "rev"); err != nil || len(mine) != 0 {
			t.Errorf("the reviewer who asked sees %+v, %v as requests to them", mine, err)
		}
	})
}

func TestChartReadsTheUsersDays(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		b := findings(t, db)
		c, err := b.Chart(ctx, "u2", 7)
		if err != nil {
			t.Fatal(err)
		}
		if !c.Time.Equal(now) || len(c.Usage) != 1 || c.Usage[0].Calls != 6 || c.Usage[0].Scope != scopes.DriveReadonly {
			t.Errorf("u2's chart = %+v; want 6 drive.readonly calls", c)
		}
		all, err := b.Chart(ctx, "", 7)
		if err != nil {
			t.Fatal(err)
		}
		var calls int64
		for _, u := range all.Usage {
			calls += u.Calls
		}
		if calls != 12 {
			t.Errorf("everyone's chart counts %d calls, want 12", calls)
		}
	})
}
