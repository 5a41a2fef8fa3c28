package main

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"
)

// TestRealMainFrom reads recorded output as `stbench -from` does and prints
// the selected figures as JSON.
func TestRealMainFrom(t *testing.T) {
	t.Setenv("TEST_POSTGRES_URL", "")
	var out bytes.Buffer
	if err := realMain(t.Context(), []string{"-from", "testdata/edge.txt", "-run", "P10", "-json"}, &out, io.Discard); err != nil {
		t.Fatalf("realMain: %v", err)
	}
	var rep report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	if rep.Machine != "Test CPU @ 1GHz, "+strings.Split(rep.Machine, ", ")[1] || len(rep.Rows) != 8 {
		t.Fatalf("report = %+v, want the CPU of the output and the eight P10 rows", rep)
	}
	if r := rep.Rows[0]; r.Status != statusFail || r.Measured == nil || *r.Measured != 264 || r.Unit != "p99-ms" {
		t.Errorf("P10 p99 = %+v, want 264 p99-ms, failing the goal of 100", r)
	}
	if r := rep.Rows[7]; r.Status != statusSkipped {
		t.Errorf("P10 on PostgreSQL = %+v, want it skipped without TEST_POSTGRES_URL", r)
	}
}

func TestRealMainFlags(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		err  string
	}{
		{[]string{"-count", "0"}, "-count 0: want at least 1"},
		{[]string{"P1"}, "stbench takes no arguments"},
		{[]string{"-run", "P3"}, "matches no figure"},
		{[]string{"-from", "testdata/none.txt"}, "-from: open testdata/none.txt"},
		{[]string{"-nope"}, "flag provided but not defined: -nope"},
	} {
		err := realMain(t.Context(), tt.args, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("realMain(%q) = %v, want an error with %q", tt.args, err, tt.err)
		}
	}
}
