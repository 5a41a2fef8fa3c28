package connectortest

import (
	"syscall"
	"time"
)

// ProcessCPU returns the CPU time, user and system, the process used so
// far, for benchmarks that report CPU time, which a busy machine does not
// inflate as it does wall time.
func ProcessCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
