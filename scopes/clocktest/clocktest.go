// Package clocktest provides a settable clock for tests: code that takes a
// func() time.Time is given Clock.Now, and the test moves time by hand.
//
// Package clocktest imports nothing else of ScopeTrail's, so tests of every
// layer can use it.
package clocktest

import (
	"sync"
	"time"
)

// Clock is a clock that stands still until it is set or advanced. It is safe
// for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// New returns a clock that stands at t.
func New(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the time the clock stands at.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t, forward or back.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
