package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
)

// group is one `go test -bench` run, shared by the checks that read the
// same benchmark of the same package with the same -benchtime.
type group struct{ pkg, bench, benchtime string }

// group is the run that produces c's result with its own -benchtime.
func (c check) group() group { return group{pkg: c.pkg, bench: c.bench, benchtime: c.benchtime} }

// run names the run that produces c's result whatever its -benchtime: the
// key of the runs that failed.
func (c check) run() group { return group{pkg: c.pkg, bench: c.bench} }

// groups returns the runs the checks need, each once, in the checks'
// order; benchtime, when set, replaces every check's own.
func groups(checks []check, benchtime string) []group {
	var out []group
	seen := map[group]bool{}
	for _, c := range checks {
		g := c.group()
		if benchtime != "" {
			g.benchtime = benchtime
		}
		if !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	return out
}

// goTest runs one group's benchmarks in the module at dir, count times,
// and returns the output; echo, when not nil, receives it as it comes. An
// error says how the run failed and ends with the output's last lines.
func goTest(ctx context.Context, dir string, g group, count int, echo io.Writer) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", g.bench, "-benchtime", g.benchtime,
		"-count", strconv.Itoa(count), "-timeout", "60m", g.pkg)
	cmd.Dir = dir
	var out bytes.Buffer
	w := io.Writer(&out)
	if echo != nil {
		w = io.MultiWriter(&out, echo)
	}
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Run(); err != nil {
		return out.Bytes(), fmt.Errorf("go test -bench '%s' %s: %w: %s", g.bench, g.pkg, err, lastLines(out.String(), 3))
	}
	return out.Bytes(), nil
}

// lastLines returns the last n lines of s that are not empty, joined by
// " | ".
func lastLines(s string, n int) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines[max(len(lines)-n, 0):], " | ")
}

// module returns the import path and directory of the main module that
// the working directory is in.
func module(ctx context.Context) (path, dir string, err error) {
	out, err := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Path}}\n{{.Dir}}").Output()
	if err != nil {
		return "", "", fmt.Errorf("go list -m: %w (run stbench inside the scopetrail module)", err)
	}
	path, dir, ok := strings.Cut(strings.TrimSpace(string(out)), "\n")
	if !ok {
		return "", "", fmt.Errorf("go list -m printed %q, not a module path and directory", out)
	}
	return path, dir, nil
}
