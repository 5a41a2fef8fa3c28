package main

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// check is one line of the table: one metric of one benchmark result,
// held against a goal.
type check struct {
	// figure is the name for it, such as "P2"; several checks may
	// share a figure. what says in words what is measured.
	figure, what string
	// pkg is the package, relative to the module root, and bench the
	// -bench regexp that runs the benchmark.
	pkg, bench string
	// name matches the full name of the result read, GOMAXPROCS removed,
	// such as "BenchmarkAppend/sqlite/writers=8".
	name string
	// units are the metric's units, in order of preference: the first one
	// the result reports is measured.
	units []string
	// baseline is the "now" value in the same unit, 0 when it has
	// none; baselineText is how the issue says it.
	baseline     float64
	baselineText string
	goal         goal
	// benchtime is the -benchtime the check needs when none is given.
	benchtime string
	// postgres says that the result exists only when TEST_POSTGRES_URL is
	// set.
	postgres bool
}

// comparison is which way a value is better.
type comparison int

const (
	// higherIsBetter passes at or above the goal.
	higherIsBetter comparison = iota + 1
	// lowerIsBetter passes at or below the goal.
	lowerIsBetter
)

// goal is a check's target.
type goal struct {
	cmp   comparison
	value float64
	// none marks a value that is shown and compared with its baseline but
	// has no goal to meet.
	none bool
}

func atLeast(v float64) goal { return goal{cmp: higherIsBetter, value: v} }
func atMost(v float64) goal  { return goal{cmp: lowerIsBetter, value: v} }

// noGoal is a value shown for what it says, such as a rate that the
// figure's goal does not bound; higher is better.
func noGoal() goal { return goal{cmp: higherIsBetter, none: true} }

// String writes the goal as "≥ 100000", "≤ 1.05" or "—".
func (g goal) String() string {
	switch {
	case g.none:
		return "—"
	case g.cmp == higherIsBetter:
		return "≥ " + formatValue(g.value)
	}
	return "≤ " + formatValue(g.value)
}

// met reports whether v reaches the goal.
func (g goal) met(v float64) bool {
	switch {
	case g.none:
		return true
	case g.cmp == higherIsBetter:
		return v >= g.value
	}
	return v <= g.value
}

// gain is how much better v is than the baseline, above 1 when better,
// and false when there is no baseline to compare with.
func (g goal) gain(baseline, v float64) (float64, bool) {
	switch {
	case baseline == 0 || v == 0:
		return 0, false
	case g.cmp == lowerIsBetter:
		return baseline / v, true
	}
	return v / baseline, true
}

// formatValue writes v with at most four significant digits, without an
// exponent for the sizes the figures have.
func formatValue(v float64) string {
	switch {
	case v == 0:
		return "0"
	case v >= 1000 || v <= -1000:
		return fmt.Sprintf("%.0f", v)
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

// selectChecks returns the checks whose whole figure name matches run
// (all when run is empty), in the table's order: "P1" selects P1, not P10.
func selectChecks(all []check, run string) ([]check, error) {
	if run == "" {
		return all, nil
	}
	re, err := regexp.Compile("^(?:" + run + ")$")
	if err != nil {
		return nil, fmt.Errorf("-run %q: %w", run, err)
	}
	var out []check
	for _, c := range all {
		if re.MatchString(c.figure) {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		var names []string
		for _, c := range all {
			if !slices.Contains(names, c.figure) {
				names = append(names, c.figure)
			}
		}
		return nil, fmt.Errorf("-run %q matches no figure; the figures are %s", run, strings.Join(names, ", "))
	}
	return out, nil
}
