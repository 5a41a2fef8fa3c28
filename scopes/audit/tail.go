package audit

import (
	"context"
	"iter"
	"strconv"
	"time"
)

// Tail yields the last n entries that match f, oldest first, and then, when
// every is positive, each entry that matches f as it is appended, looking
// for new ones every `every`, until ctx ends, which ends it quietly. f's
// order, cursors and limit are Tail's own.
func (t *Trail) Tail(ctx context.Context, f Filter, n int, every time.Duration) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		fail := func(err error) {
			if ctx.Err() == nil {
				yield(Entry{}, err)
			}
		}
		f.Desc, f.Cursor, f.Prev, f.Limit = true, "", "", max(n, 1)
		last, err := t.Query(ctx, f)
		if err != nil {
			fail(err)
			return
		}
		f.Desc, f.Limit = false, MaxLimit
		if len(last.Entries) > 0 {
			f.Cursor = strconv.FormatInt(last.Entries[0].Seq, 10)
		}
		for i := min(n, len(last.Entries)) - 1; i >= 0; i-- {
			if !yield(last.Entries[i], nil) {
				return
			}
		}
		if every <= 0 {
			return
		}
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			for e, err := range t.Entries(ctx, f) {
				if err != nil {
					fail(err)
					return
				}
				if !yield(e, nil) {
					return
				}
				f.Cursor = strconv.FormatInt(e.Seq, 10)
			}
		}
	}
}
