package main

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const testModule = "github.com/scopetrail/scopetrail"

// readTestdata reads a file of recorded benchmark output.
func readTestdata(t *testing.T, name string) *results {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := readResults(f, name)
	if err != nil {
		t.Fatalf("readResults: %v", err)
	}
	return res
}

func TestReadResults(t *testing.T) {
	t.Parallel()
	res := readTestdata(t, "edge.txt")
	if res.cpu != "Test CPU @ 1GHz" {
		t.Errorf("cpu = %q", res.cpu)
	}
	runs := res.byName[resultKey{testModule + "/connector/googlehttp", "BenchmarkListDirectory"}]
	var ratios []float64
	for _, r := range runs {
		ratios = append(ratios, r["door/plain"])
	}
	if diff := cmp.Diff([]float64{1.04, 1.10, 1.02}, ratios); diff != "" {
		t.Errorf("door/plain of the three runs, GOMAXPROCS removed from the name (-want +got):\n%s", diff)
	}
	door := res.byName[resultKey{testModule + "/connector/recordings", "BenchmarkDownload1GiB/door"}]
	if len(door) != 1 || door[0]["x-plain"] != 0.4215 || door[0]["ns/op"] != 2631760120 || door[0]["sec/op"] != 2.63176012 {
		t.Errorf("the door's sub-benchmark, under the unit written and the tidy one: %v", door)
	}
	if len(res.problems) != 1 || !strings.Contains(res.problems[0], "edge.txt:15") {
		t.Errorf("problems = %q, want the malformed line 15", res.problems)
	}
}

func TestMeasure(t *testing.T) {
	t.Parallel()
	res := readTestdata(t, "edge.txt")
	tests := []struct {
		name    string
		check   check
		want    measurement
		missing string // a part of the reason there is no value
	}{
		{"median of three runs", check{pkg: "./connector/googlehttp", name: "^BenchmarkListDirectory$", units: []string{"door/plain"}},
			measurement{value: 1.04, unit: "door/plain", runs: 3}, ""},
		{"first unit reported wins", check{pkg: "./connector/recordings", name: "^BenchmarkDownload1GiB/door$", units: []string{"limit_ratio", "x-plain"}},
			measurement{value: 0.4215, unit: "x-plain", runs: 1}, ""},
		{"tidy unit", check{pkg: "./connector/recordings", name: "^BenchmarkDownload1GiB/door$", units: []string{"sec/op"}},
			measurement{value: 2.63176012, unit: "sec/op", runs: 1}, ""},
		{"metric not reported", check{pkg: "./connector/directory", name: "^BenchmarkDirectoryFullSync100k", units: []string{"sync/fake"}},
			measurement{}, "metric sync/fake not reported by benchmark BenchmarkDirectoryFullSync100k (it reports alloc-MiB/op, base-heap-MiB, "},
		{"no such benchmark", check{pkg: "./scopes/audit", name: "^BenchmarkStatus/sqlite", units: []string{"sec/op"}},
			measurement{}, "no result named /^BenchmarkStatus/sqlite/ from ./scopes/audit"},
		{"other package", check{pkg: "./scopes/audit", name: "^BenchmarkListDirectory$", units: []string{"door/plain"}},
			measurement{}, "no result named"},
		{"bad regexp", check{pkg: "./scopes/audit", name: "(", units: []string{"x"}}, measurement{}, "bad result name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := res.measure(tt.check, testModule+strings.TrimPrefix(tt.check.pkg, "."))
			if tt.missing != "" {
				if got.runs != 0 || !strings.Contains(got.missing, tt.missing) {
					t.Errorf("measure = %+v, want no value because %q", got, tt.missing)
				}
				return
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(measurement{})); diff != "" {
				t.Errorf("measure (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReadResultsLongLine reads the results around a line longer than a
// bufio.Scanner reads, which a failing benchmark can log.
func TestReadResultsLongLine(t *testing.T) {
	t.Parallel()
	out := "pkg: p\nBenchmarkA-2 1 5 ns/op\n    a_test.go:1: " + strings.Repeat("x", 70_000) + "\nBenchmarkB-2 1 7 ns/op\n"
	res, err := readResults(strings.NewReader(out), "long")
	if err != nil {
		t.Fatalf("readResults: %v", err)
	}
	if len(res.byName) != 2 || res.byName[resultKey{"p", "BenchmarkB"}][0]["ns/op"] != 7 {
		t.Errorf("results = %v, want A and B", res.byName)
	}
	if len(res.problems) != 1 || !strings.HasPrefix(res.problems[0], "long:3: a line of 70017 bytes") {
		t.Errorf("problems = %q, want the long line 3", res.problems)
	}
}

func TestMedian(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		vs   []float64
		want float64
	}{{[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := median(tt.vs); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.vs, got, tt.want)
		}
	}
}
