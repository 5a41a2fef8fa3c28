package replicatest

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
)

// linkers is how many people link at once.
const linkers = 8

// inParallel runs fn for 0 ≤ i < n on up to linkers goroutines, and then
// fails t with what failed in any of them. fn may call t.Fatal on the t it
// is given, which ends only its own goroutine.
func inParallel(t testing.TB, n int, fn func(t testing.TB, i int)) {
	t.Helper()
	var wg sync.WaitGroup
	next := make(chan int)
	errs := &goTBErrors{}
	for range min(linkers, n) {
		wg.Go(func() {
			for i := range next {
				g := &goTB{TB: t, errs: errs}
				done := make(chan struct{})
				go func() {
					defer close(done)
					fn(g, i)
				}()
				<-done
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	errs.report(t)
}

// inBackground runs fn on a goroutine of its own and returns the function
// that waits for it and then fails t with what failed in it.
func inBackground(t testing.TB, fn func(t testing.TB)) (wait func()) {
	errs := &goTBErrors{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(&goTB{TB: t, errs: errs})
	}()
	return func() {
		t.Helper()
		<-done
		errs.report(t)
	}
}

// goTBErrors collects the failures of the goroutines.
type goTBErrors struct {
	mu   sync.Mutex
	list []string
}

// report fails t with the failures collected, if any.
func (e *goTBErrors) report(t testing.TB) {
	t.Helper()
	for _, err := range e.list {
		t.Error(err)
	}
	if len(e.list) > 0 {
		t.FailNow()
	}
}

func (e *goTBErrors) add(s string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.list = append(e.list, s)
}

// goTB is a testing.TB for a goroutine that is not the test's: its
// failures are collected, and Fatal ends only the goroutine.
type goTB struct {
	testing.TB
	errs *goTBErrors
}

func (g *goTB) Error(args ...any)                 { g.errs.add(fmt.Sprint(args...)) }
func (g *goTB) Errorf(format string, args ...any) { g.errs.add(fmt.Sprintf(format, args...)) }
func (g *goTB) Fatal(args ...any)                 { g.Error(args...); runtime.Goexit() }
func (g *goTB) Fatalf(format string, args ...any) { g.Errorf(format, args...); runtime.Goexit() }
func (g *goTB) FailNow()                          { g.errs.add("FailNow"); runtime.Goexit() }
func (g *goTB) Helper()                           {}
