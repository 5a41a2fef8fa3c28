package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Status values of a row.
const (
	statusPass    = "pass"
	statusFail    = "FAIL"
	statusInfo    = "info"
	statusMissing = "missing"
	statusSkipped = "skipped"
	statusError   = "error"
)

// row is one line of the printed table, and one object of -json.
type row struct {
	Figure   string `json:"figure"`
	What     string `json:"what"`
	Baseline string `json:"baseline"`
	// Measured is the median of Runs runs, in Unit; absent when the row
	// has no value, and then Note says why.
	Measured *float64 `json:"measured,omitempty"`
	Unit     string   `json:"unit,omitempty"`
	Runs     int      `json:"runs,omitempty"`
	// Gain is how many times better than the baseline Measured is.
	Gain   *float64 `json:"gain,omitempty"`
	Goal   string   `json:"goal"`
	Status string   `json:"status"`
	Note   string   `json:"note,omitempty"`
}

// report is the whole table with what it was measured on.
type report struct {
	Date string `json:"date"`
	// Machine is the processor and the number of CPUs the benchmarks saw.
	Machine string `json:"machine"`
	Rows    []row  `json:"rows"`
	// Problems are lines of benchmark output that could not be read.
	Problems []string `json:"problems,omitempty"`
}

// evaluate makes a row of each check from the results. module is the
// module's import path; failed maps a run (see check.run) to why it failed;
// postgres says whether TEST_POSTGRES_URL was set.
func evaluate(checks []check, res *results, module string, failed map[group]string, postgres bool) []row {
	rows := make([]row, 0, len(checks))
	for _, c := range checks {
		r := row{Figure: c.figure, What: c.what, Baseline: c.baselineText, Goal: c.goal.String()}
		if r.Baseline == "" {
			r.Baseline = "—"
		}
		m := res.measure(c, module+strings.TrimPrefix(c.pkg, "."))
		switch {
		case m.runs > 0:
			v := m.value
			r.Measured, r.Unit, r.Runs = &v, m.unit, m.runs
			if g, ok := c.goal.gain(c.baseline, v); ok {
				r.Gain = &g
			}
			r.Status = statusFail
			if c.goal.none {
				r.Status = statusInfo
			} else if c.goal.met(v) {
				r.Status = statusPass
			}
			if len(c.units) > 1 && m.unit != c.units[0] {
				r.Note = fmt.Sprintf("measured in %s: the benchmark does not report %s yet", m.unit, c.units[0])
			}
		case c.postgres && !postgres:
			r.Status, r.Note = statusSkipped, "TEST_POSTGRES_URL is not set"
		case failed[c.run()] != "":
			r.Status, r.Note = statusError, failed[c.run()]
		default:
			r.Status, r.Note = statusMissing, m.missing
		}
		rows = append(rows, r)
	}
	return rows
}

// writeText prints the table, then the notes of its rows.
func writeText(w io.Writer, rep report) error {
	fmt.Fprintf(w, "ScopeTrail benchmarks, %s, %s\n\n", rep.Date, rep.Machine)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "figure\twhat\tbaseline\tmeasured\tgain\tgoal\tresult")
	var notes []string
	for _, r := range rep.Rows {
		measured, gain := "—", "—"
		if r.Measured != nil {
			measured = formatValue(*r.Measured) + " " + r.Unit
		}
		if r.Gain != nil {
			gain = formatValue(*r.Gain) + "×"
		}
		status := r.Status
		if r.Note != "" {
			notes = append(notes, fmt.Sprintf("[%d] %s %s: %s", len(notes)+1, r.Figure, r.What, r.Note))
			status += fmt.Sprintf(" [%d]", len(notes))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Figure, r.What, r.Baseline, measured, gain, r.Goal, status)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("writing the table: %w", err)
	}
	if len(notes) > 0 {
		fmt.Fprintf(w, "\n%s\n", strings.Join(notes, "\n"))
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(w, "unreadable benchmark output: %s\n", p)
	}
	fmt.Fprintln(w, "\ngain: how many times better than the baseline (the issue's \"now\"); above 1 is better.")
	return nil
}

// writeJSON prints the report as one JSON object.
func writeJSON(w io.Writer, rep report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rep); err != nil {
		return fmt.Errorf("writing JSON: %w", err)
	}
	return nil
}
