// Command stbench runs ScopeTrail's performance figures (P1–P10 of the
// performance issue) against the in-process fake Google, on SQLite and, when
// TEST_POSTGRES_URL is set, on PostgreSQL, and prints one table: each
// figure's baseline, measured value, gain over the baseline, goal and
// whether it is met.
//
// Each figure is a `go test -bench` function; stbench runs them as
// subprocesses and reads their output with golang.org/x/perf/benchfmt.
// The table in figures.go maps each figure to its benchmark and metric.
//
// Usage, from the module's root:
//
//	go run ./cmd/stbench [-run REGEXP] [-benchtime T] [-count N] [-json] [-v]
//	go run ./cmd/stbench -from FILE   # read recorded `go test -bench` output
package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := realMain(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "stbench:", err)
		os.Exit(1)
	}
}

// options are stbench's flags.
type options struct {
	run, benchtime, from string
	count                int
	json, verbose        bool
}

// parseFlags reads the command line.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("stbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.run, "run", "", "run only the figures whose whole name matches this regexp, such as 'P2|P7' or 'P1.*'")
	fs.StringVar(&o.benchtime, "benchtime", "", "go test -benchtime for every benchmark (default: each figure's own)")
	fs.IntVar(&o.count, "count", 1, "go test -count: runs of each benchmark; the table shows their median")
	fs.BoolVar(&o.json, "json", false, "print the table as JSON")
	fs.BoolVar(&o.verbose, "v", false, "copy the benchmarks' output to standard error as they run")
	fs.StringVar(&o.from, "from", "", "read this file of `go test -bench` output instead of running the benchmarks")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("stbench takes no arguments, got %q", fs.Args())
	}
	if o.count < 1 {
		return o, fmt.Errorf("-count %d: want at least 1", o.count)
	}
	return o, nil
}

// realMain runs the benchmarks of the selected figures, or reads their
// output from a file, and prints the table.
func realMain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	checks, err := selectChecks(figures, o.run)
	if err != nil {
		return err
	}
	modPath, modDir, err := module(ctx)
	if err != nil {
		return err
	}
	output, failed, err := benchmarkOutput(ctx, o, checks, modDir, stderr)
	if err != nil {
		return err
	}
	res, err := readResults(output, o.from)
	if err != nil {
		return err
	}
	rep := report{
		Date:     time.Now().UTC().Format("2006-01-02 15:04 MST"),
		Machine:  fmt.Sprintf("%s, %d CPUs", cmp.Or(res.cpu, runtime.GOARCH), runtime.NumCPU()),
		Rows:     evaluate(checks, res, modPath, failed, os.Getenv("TEST_POSTGRES_URL") != ""),
		Problems: res.problems,
	}
	if o.json {
		return writeJSON(stdout, rep)
	}
	return writeText(stdout, rep)
}

// benchmarkOutput returns the benchmark output to read: the file of -from,
// or that of the runs the checks need, with the runs that failed and why.
func benchmarkOutput(ctx context.Context, o options, checks []check, modDir string, stderr io.Writer) (io.Reader, map[group]string, error) {
	failed := map[group]string{}
	if o.from != "" {
		b, err := os.ReadFile(o.from)
		if err != nil {
			return nil, nil, fmt.Errorf("-from: %w", err)
		}
		return bytes.NewReader(b), failed, nil
	}
	var echo io.Writer
	if o.verbose {
		echo = stderr
	}
	var all []byte
	gs := groups(checks, o.benchtime)
	for i, g := range gs {
		fmt.Fprintf(stderr, "[%d/%d] go test -bench '%s' -benchtime %s -count %d %s\n", i+1, len(gs), g.bench, g.benchtime, o.count, g.pkg)
		out, err := goTest(ctx, modDir, g, o.count, echo)
		all = append(all, out...)
		if ctx.Err() != nil {
			return nil, nil, fmt.Errorf("interrupted: %w", ctx.Err())
		}
		if err != nil {
			failed[group{pkg: g.pkg, bench: g.bench}] = err.Error()
			fmt.Fprintln(stderr, err)
		}
	}
	return bytes.NewReader(all), failed, nil
}
