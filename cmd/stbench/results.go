package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/perf/benchfmt"
)

// results are the benchmark results read from `go test -bench` output.
type results struct {
	// byName holds each result's runs (several with -count), each run's
	// values by unit, under the result's package import path and full
	// name without GOMAXPROCS.
	byName map[resultKey][]map[string]float64
	// cpu is the processor the benchmarks ran on, as go test names it.
	cpu string
	// problems are the lines that were not benchmark output.
	problems []string
}

// resultKey names one benchmark result.
type resultKey struct{ pkg, name string }

// maxLine is the longest line benchfmt's reader reads (bufio.Scanner's
// limit); a longer one, such as a page a failing benchmark logs, would end
// the reading.
const maxLine = bufio.MaxScanTokenSize - 1

// readResults reads go test's benchmark output. A malformed benchmark line,
// or one too long to read, is kept as a problem, not an error: the other
// results still count.
func readResults(r io.Reader, fileName string) (*results, error) {
	out, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading benchmark output: %w", err)
	}
	res := &results{byName: map[resultKey][]map[string]float64{}}
	lines := bytes.Split(out, []byte("\n"))
	for i, l := range lines {
		if len(l) > maxLine {
			lines[i] = nil
			res.problems = append(res.problems, fmt.Sprintf("%s:%d: a line of %d bytes, skipped", fileName, i+1, len(l)))
		}
	}
	br := benchfmt.NewReader(bytes.NewReader(bytes.Join(lines, []byte("\n"))), fileName)
	for br.Scan() {
		switch rec := br.Result().(type) {
		case *benchfmt.SyntaxError:
			res.problems = append(res.problems, rec.Error())
		case *benchfmt.Result:
			key := resultKey{pkg: rec.GetConfig("pkg"), name: fullName(rec.Name)}
			res.byName[key] = append(res.byName[key], values(rec))
			if cpu := rec.GetConfig("cpu"); cpu != "" {
				res.cpu = cpu
			}
		}
	}
	if err := br.Err(); err != nil {
		return nil, fmt.Errorf("reading benchmark output: %w", err)
	}
	return res, nil
}

// fullName is a result's name as go test prints it, Benchmark prefix
// included, without its GOMAXPROCS suffix.
func fullName(n benchfmt.Name) string {
	base, parts := n.Parts()
	var b strings.Builder
	b.WriteString("Benchmark")
	b.Write(base)
	for _, p := range parts {
		if len(p) > 0 && p[0] != '-' {
			b.Write(p)
		}
	}
	return b.String()
}

// values maps each unit of a result to its value. benchfmt tidies some
// units (ns/op becomes sec/op, MB/s becomes B/s): both the unit as the
// benchmark wrote it and the tidy one are kept, each with its own value.
func values(r *benchfmt.Result) map[string]float64 {
	m := make(map[string]float64, 2*len(r.Values))
	for _, v := range r.Values {
		m[v.Unit] = v.Value
		if v.OrigUnit != "" {
			m[v.OrigUnit] = v.OrigValue
		}
	}
	return m
}

// measurement is what the results say for one check.
type measurement struct {
	// value is the median of the runs, in unit.
	value float64
	unit  string
	// runs is how many runs the value is the median of; 0 when there is
	// no value, and then missing says why.
	runs    int
	missing string
}

// measure finds the check's metric in the results of the package whose
// import path is pkg.
func (res *results) measure(c check, pkg string) measurement {
	re, err := regexp.Compile(c.name)
	if err != nil {
		return measurement{missing: fmt.Sprintf("bad result name %q in the figure table: %v", c.name, err)}
	}
	var names []string
	var runs []map[string]float64
	for key, rs := range res.byName {
		if key.pkg == pkg && re.MatchString(key.name) {
			names = append(names, key.name)
			runs = append(runs, rs...)
		}
	}
	if len(runs) == 0 {
		return measurement{missing: fmt.Sprintf("no result named /%s/ from %s (is the benchmark there, and did it run?)", c.name, c.pkg)}
	}
	slices.Sort(names)
	for _, unit := range c.units {
		var vs []float64
		for _, r := range runs {
			if v, ok := r[unit]; ok {
				vs = append(vs, v)
			}
		}
		if len(vs) > 0 {
			return measurement{value: median(vs), unit: unit, runs: len(vs)}
		}
	}
	var reported []string
	for _, r := range runs {
		for u := range r {
			if !slices.Contains(reported, u) {
				reported = append(reported, u)
			}
		}
	}
	slices.Sort(reported)
	return measurement{missing: fmt.Sprintf("metric %s not reported by benchmark %s (it reports %s)",
		strings.Join(c.units, " or "), strings.Join(names, ", "), strings.Join(reported, ", "))}
}

// median is the middle of vs, or the mean of the two middle values.
func median(vs []float64) float64 {
	s := slices.Clone(vs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
