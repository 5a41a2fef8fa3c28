package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// statuses returns each row's figure, what and status, with its note's
// beginning when it has one.
func statuses(rows []row) []string {
	var out []string
	for _, r := range rows {
		s := r.Figure + " " + r.What + ": " + r.Status
		if r.Note != "" {
			s += ": " + strings.SplitN(r.Note, " (", 2)[0]
		}
		out = append(out, s)
	}
	return out
}

func TestEvaluateFigures(t *testing.T) {
	t.Parallel()
	res := readTestdata(t, "edge.txt")
	checks, err := selectChecks(figures, "P1|P4|P6|P10")
	if err != nil {
		t.Fatal(err)
	}
	failed := map[group]string{{pkg: "./connector/directory", bench: "^BenchmarkDirectoryFullSync100k$"}: "go test: exit status 1: --- FAIL"}
	rows := evaluate(checks, res, testModule, failed, false)
	want := []string{
		"P1 10,000 directory people, door vs plain client: pass",
		"P4 1 GiB recording through the door vs the limit: FAIL: measured in x-plain: the benchmark does not report limit_ratio yet",
		"P4 1 GiB recording through the door, peak RSS (MiB): pass",
		"P6 full sync of 100,000 people vs the fake's own time: error: go test: exit status 1: --- FAIL",
		"P6 full sync of 100,000 people, heap growth (MiB): error: go test: exit status 1: --- FAIL",
		"P10 32 signed-in clients during a sync: p99 (ms), SQLite: FAIL",
		"P10 32 signed-in clients during a sync: errors, SQLite: pass",
		"P10 32 signed-in clients during a sync: req/s, SQLite: info",
		"P10 32 signed-in clients during a sync: trail entries, SQLite: info",
		"P10 32 signed-in clients during a sync: p99 (ms), PostgreSQL: skipped: TEST_POSTGRES_URL is not set",
		"P10 32 signed-in clients during a sync: errors, PostgreSQL: skipped: TEST_POSTGRES_URL is not set",
		"P10 32 signed-in clients during a sync: req/s, PostgreSQL: skipped: TEST_POSTGRES_URL is not set",
		"P10 32 signed-in clients during a sync: trail entries, PostgreSQL: skipped: TEST_POSTGRES_URL is not set",
	}
	if diff := cmp.Diff(want, statuses(rows)); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if r := rows[0]; r.Measured == nil || *r.Measured != 1.04 || r.Runs != 3 || r.Gain == nil || math.Abs(*r.Gain-1.16/1.04) > 1e-9 {
		t.Errorf("P1 row = %+v, want the median 1.04 of 3 runs, 1.16/1.04 better than the baseline", r)
	}
	if r := rows[7]; r.Gain == nil || *r.Gain != 1 || r.Goal != "—" {
		t.Errorf("P10 req/s row = %+v, want a gain of 1 over 510 req/s and no goal", r)
	}

	// Without the failure, the same output says which metric is missing.
	rows = evaluate(checks, res, testModule, nil, false)
	if got := rows[3].Note; rows[3].Status != statusMissing ||
		!strings.HasPrefix(got, "metric sync/fake not reported by benchmark BenchmarkDirectoryFullSync100k (it reports alloc-MiB/op") {
		t.Errorf("P6 row = %+v, want the metric named as not reported", rows[3])
	}
}

func TestWriteText(t *testing.T) {
	t.Parallel()
	res := readTestdata(t, "edge.txt")
	checks, err := selectChecks(figures, "P1|P6")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rep := report{Date: "2026-12-04 18:00 UTC", Machine: "Test CPU, 2 CPUs", Rows: evaluate(checks, res, testModule, nil, false), Problems: res.problems}
	if err := writeText(&out, rep); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, re := range []string{
		`(?m)^figure +what +baseline +measured +gain +goal +result$`,
		`(?m)^P1 +10,000 directory people, door vs plain client +1\.11–1\.16× +1\.04 door/plain +1\.115× +≤ 1\.05 +pass$`,
		`(?m)^P6 +full sync of 100,000 people vs the fake's own time +— +— +— +≤ 1\.2 +missing \[1\]$`,
		`(?m)^P6 +full sync of 100,000 people, heap growth \(MiB\) +\+114 MiB +— +— +≤ 32 +missing \[2\]$`,
		`(?m)^\[1\] P6 full sync of 100,000 people vs the fake's own time: metric sync/fake not reported by benchmark BenchmarkDirectoryFullSync100k`,
		`(?m)^unreadable benchmark output: edge\.txt:15: `,
	} {
		if !regexp.MustCompile(re).MatchString(text) {
			t.Errorf("the table has no line matching %s:\n%s", re, text)
		}
	}
}

func TestWriteJSON(t *testing.T) {
	t.Parallel()
	res := readTestdata(t, "edge.txt")
	checks, err := selectChecks(figures, "P1")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := writeJSON(&out, report{Date: "d", Machine: "m", Rows: evaluate(checks, res, testModule, nil, false)}); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	want := map[string]any{"date": "d", "machine": "m", "rows": []any{map[string]any{
		"figure": "P1", "what": "10,000 directory people, door vs plain client", "baseline": "1.11–1.16×",
		"measured": 1.04, "unit": "door/plain", "runs": 3.0, "gain": 1.16 / 1.04, "goal": "≤ 1.05", "status": "pass",
	}}}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
		t.Errorf("JSON (-want +got):\n%s", diff)
	}
}

func TestSelectChecks(t *testing.T) {
	t.Parallel()
	figuresOf := func(cs []check) string {
		var s []string
		for _, c := range cs {
			if len(s) == 0 || s[len(s)-1] != c.figure {
				s = append(s, c.figure)
			}
		}
		return strings.Join(s, " ")
	}
	for _, tt := range []struct{ run, want, err string }{
		{"P1", "P1", ""},
		{"P1.*", "P1 P10", ""},
		{"P2|P7", "P2 P7", ""},
		{"", "P1 P2 P4 P6 P7 P8 P9 P10", ""},
		{"P3", "", "matches no figure; the figures are P1, P2, P4, P6, P7, P8, P9, P10"},
		{"(", "", "-run \"(\""},
	} {
		got, err := selectChecks(figures, tt.run)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("selectChecks(%q) = %v, want an error with %q", tt.run, err, tt.err)
			}
			continue
		}
		if err != nil || figuresOf(got) != tt.want {
			t.Errorf("selectChecks(%q) = %q, %v, want %q", tt.run, figuresOf(got), err, tt.want)
		}
	}
}

// TestFigureTable checks that every line of the table can run and be
// read: its package exists, its regexps compile, its result name is one the
// -bench regexp runs, and it has a unit, a goal or none on purpose, and a
// -benchtime.
func TestFigureTable(t *testing.T) {
	t.Parallel()
	for _, c := range figures {
		if _, err := os.Stat(filepath.Join("..", "..", c.pkg)); err != nil {
			t.Errorf("%s %s: package %s: %v", c.figure, c.what, c.pkg, err)
		}
		bench, err := regexp.Compile(c.bench)
		if err != nil {
			t.Errorf("%s %s: -bench %q: %v", c.figure, c.what, c.bench, err)
			continue
		}
		if _, err := regexp.Compile(c.name); err != nil {
			t.Errorf("%s %s: result name %q: %v", c.figure, c.what, c.name, err)
		}
		base, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimSuffix(c.name, "$"), "^"), "/")
		if !bench.MatchString(base) {
			t.Errorf("%s %s: -bench %q does not run %s", c.figure, c.what, c.bench, base)
		}
		if len(c.units) == 0 || c.benchtime == "" || c.what == "" {
			t.Errorf("%s: a unit, a -benchtime and what it measures are required: %+v", c.figure, c)
		}
		if c.baseline != 0 && c.baselineText == "" {
			t.Errorf("%s %s: a baseline needs the issue's words for it", c.figure, c.what)
		}
	}
}

func TestGroups(t *testing.T) {
	t.Parallel()
	checks, err := selectChecks(figures, "P2|P7")
	if err != nil {
		t.Fatal(err)
	}
	want := []group{{"./scopes/audit", "^BenchmarkAppend$", "2000x"}, {"./scopes/audit", "^BenchmarkVerify$", "3x"}}
	if diff := cmp.Diff(want, groups(checks, ""), cmp.AllowUnexported(group{})); diff != "" {
		t.Errorf("groups (-want +got):\n%s", diff)
	}
	want = []group{{"./scopes/audit", "^BenchmarkAppend$", "1x"}, {"./scopes/audit", "^BenchmarkVerify$", "1x"}}
	if diff := cmp.Diff(want, groups(checks, "1x"), cmp.AllowUnexported(group{})); diff != "" {
		t.Errorf("groups with -benchtime 1x (-want +got):\n%s", diff)
	}
}

// TestEvaluateRecorded reads the output of a whole run of P1, P2, P7, P8
// and P9 on a busy 2-core machine, with PostgreSQL, before BenchmarkStatus
// existed.
func TestEvaluateRecorded(t *testing.T) {
	t.Parallel()
	res := readTestdata(t, "busy-2cpu.txt")
	checks, err := selectChecks(figures, "P1|P2|P7|P8|P9")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range evaluate(checks, res, testModule, nil, true) {
		s := r.Figure + " " + r.Status
		if r.Measured != nil {
			s += " " + formatValue(*r.Measured) + " " + r.Unit
		}
		got = append(got, s)
	}
	want := []string{"P1 FAIL 1.244 door/plain",
		"P2 FAIL 4857 appends/s", "P2 FAIL 3914 appends/s", "P2 FAIL 604.6 appends/s", "P2 FAIL 173.3 appends/s",
		"P7 FAIL 15442 entries/s", "P7 FAIL 16408 entries/s", "P8 FAIL 1.008 sec/op", "P8 FAIL 1.052 sec/op",
		"P9 missing", "P9 missing"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}
