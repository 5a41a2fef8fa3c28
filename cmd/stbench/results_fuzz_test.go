package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// FuzzReadResults feeds readResults arbitrary output: it never fails on
// content, and every result it keeps is a named benchmark whose checks can
// be measured without a panic.
func FuzzReadResults(f *testing.F) {
	edge, err := os.ReadFile("testdata/edge.txt")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(edge)
	f.Add([]byte("pkg: x\nBenchmarkA-2 1 2 ns/op 3 door/plain\n"))
	f.Add([]byte("BenchmarkA/b=1/c-8 10 1e9 ns/op 1.5 MB/s\nBenchmark 1\nBenchmarkB\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := readResults(bytes.NewReader(data), "fuzz")
		if err != nil {
			t.Fatalf("readResults: %v", err)
		}
		for key, runs := range res.byName {
			if !strings.HasPrefix(key.name, "Benchmark") || len(runs) == 0 {
				t.Errorf("result %+v with %d runs", key, len(runs))
			}
		}
		for _, c := range figures {
			m := res.measure(c, testModule+strings.TrimPrefix(c.pkg, "."))
			if (m.runs == 0) == (m.missing == "") {
				t.Errorf("measure(%s %s) = %+v: a value or a reason, not both nor neither", c.figure, c.what, m)
			}
		}
	})
}
