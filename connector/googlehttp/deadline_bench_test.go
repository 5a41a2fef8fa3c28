package googlehttp

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"
)

// BenchmarkIdleBody reads a 64 MiB body in 32 KiB reads straight and
// through the idle timeout's wrapper, and reports the wrapper's cost per
// read and the ratio of the two times:
//
//	go test -run '^$' -bench IdleBody -benchtime 20x ./connector/googlehttp
func BenchmarkIdleBody(b *testing.B) {
	const size, chunk = 64 << 20, 32 << 10
	data := make([]byte, size)
	buf := make([]byte, chunk)
	read := func(r io.Reader) time.Duration {
		start := time.Now()
		for {
			if _, err := r.Read(buf); err != nil {
				return time.Since(start)
			}
		}
	}
	var plain, wrapped time.Duration
	b.SetBytes(size)
	for b.Loop() {
		plain += read(bytes.NewReader(data))
		ctx, cancel := context.WithCancelCause(context.Background())
		body := &idleBody{rc: io.NopCloser(bytes.NewReader(data)), ctx: ctx, cancel: cancel, limit: time.Minute}
		body.timer = time.AfterFunc(time.Hour, func() {})
		body.timer.Stop()
		wrapped += read(body)
		body.Close()
	}
	reads := float64(b.N * size / chunk)
	b.ReportMetric(float64(wrapped-plain)/reads, "ns-added/read")
	b.ReportMetric(float64(wrapped)/float64(plain), "wrapped/plain")
}
