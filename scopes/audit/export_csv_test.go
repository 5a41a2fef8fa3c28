package audit

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// formulaStarts are the first characters OWASP's CSV-injection rule
// neutralises.
const formulaStarts = "=+-@\t\r"

func TestSafeCell(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"fileId=f1", "fileId=f1"},
		{"42", "42"},
		{"=HYPERLINK(\"http://evil.test\")", "'=HYPERLINK(\"http://evil.test\")"},
		{"+1+1", "'+1+1"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{" =1", " =1"},
		{"'quoted", "'quoted"},
	} {
		if got := SafeCell(tc.in); got != tc.want {
			t.Errorf("SafeCell(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzSafeCell checks SafeCell on any string: what it returns never starts
// with a formula character, it only ever adds one quote in front, and it
// leaves every other cell alone.
func FuzzSafeCell(f *testing.F) {
	for _, s := range []string{"", "=1+1", "+", "-1", "@x", "\tx", "\rx", "x=1", "'", "ü", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := SafeCell(s)
		if got != "" && strings.ContainsRune(formulaStarts, rune(got[0])) {
			t.Fatalf("SafeCell(%q) = %q starts with a formula character", s, got)
		}
		dangerous := s != "" && strings.ContainsRune(formulaStarts, rune(s[0]))
		if dangerous && got != "'"+s || !dangerous && got != s {
			t.Fatalf("SafeCell(%q) = %q", s, got)
		}
	})
}

// hostile is an entry whose text fields hold what a spreadsheet would run,
// and what CSV must quote.
var hostile = Entry{ActorID: "=cmd|' /C calc'!A0", ActorEmail: "@SUM(1+1)*cmd@example.com", ClientID: "+client",
	Event: EventActivity, APIName: "drive", MethodName: "-drive.files.get", Scope: driveScope, Purpose: "\trecordings",
	Resource: "\r=HYPERLINK(\"http://evil.test\",\"x\")", ErrorReason: "a,b \"c\"\nd", RequestID: "=1",
	Replica: "r1", SubjectID: "-u-zoe", SubjectEmail: "=zoe@example.com"}

// TestExportCSVRoundTrip exports hostile entries, reads the CSV back with
// encoding/csv, and checks that every cell is the exported value, with a
// quote in front exactly where it would start a formula, while JSON Lines
// holds every value exactly.
func TestExportCSVRoundTrip(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		tr := newTrail(db)
		for range 3 {
			if _, err := tr.Append(ctx, hostile); err != nil {
				t.Fatal(err)
			}
		}
		var jl bytes.Buffer
		if err := tr.Export(ctx, &jl, FormatJSONL, Filter{Raw: true}); err != nil {
			t.Fatal(err)
		}
		var want []record
		sc := bufio.NewScanner(&jl)
		for sc.Scan() {
			var r record
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				t.Fatalf("reading %q: %v", sc.Text(), err)
			}
			want = append(want, r)
		}
		if len(want) != 3 || want[0].ActorID != hostile.ActorID || want[0].Resource != hostile.Resource ||
			want[0].SubjectEmail != hostile.SubjectEmail || want[0].ErrorReason != hostile.ErrorReason {
			t.Fatalf("jsonl = %+v; want 3 records holding the hostile values exactly", want)
		}

		var out bytes.Buffer
		if err := tr.Export(ctx, &out, FormatCSV, Filter{Raw: true}); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&out).ReadAll()
		if err != nil {
			t.Fatalf("reading the CSV back: %v", err)
		}
		if len(rows) != 4 || !cmp.Equal(rows[0], csvHeader) {
			t.Fatalf("csv has %d rows, header %q", len(rows), rows[0])
		}
		for i, r := range want {
			exact := r.csvCells()
			for k, cell := range rows[i+1] {
				switch {
				case cell == exact[k]:
					if exact[k] != "" && strings.ContainsRune(formulaStarts, rune(exact[k][0])) {
						t.Errorf("row %d %s = %q, not neutralised", i+1, csvHeader[k], cell)
					}
				case cell != "'"+exact[k]:
					t.Errorf("row %d %s = %q, want %q or it quoted", i+1, csvHeader[k], cell, exact[k])
				}
				if cell != "" && strings.ContainsRune(formulaStarts, rune(cell[0])) {
					t.Errorf("row %d %s = %q starts with a formula character", i+1, csvHeader[k], cell)
				}
			}
			if rows[i+1][3] != "'"+hostile.ActorID || rows[i+1][13] != hostile.ErrorReason {
				t.Errorf("row %d actor %q reason %q", i+1, rows[i+1][3], rows[i+1][13])
			}
		}
	})
}
