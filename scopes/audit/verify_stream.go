package audit

import (
	"context"
	"fmt"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// streamReaders is how many goroutines read the entries the walk checks:
// reading rows costs a core for each few hundred thousand a second, far
// more than hashing them, so on the two cores of a small machine two
// readers feed one walk.
const streamReaders = 2

// entryStream reads the entries in seq order for Verify, ahead of the walk,
// on goroutines of their own. Up to the head the walk began with, the
// entries are cut into windows of verifyPage seqs that the readers take
// turns to read, each window one page; past it, the last reader goes on
// page by page, for the entries appended during the walk, until a page
// comes back short. Pages are reused, so the stream takes constant memory.
// A row it returns stays valid until next has returned a page of rows
// after it.
type entryStream struct {
	ctx    context.Context
	cancel context.CancelFunc
	// full are the readers' pages, each in the order of its windows: the
	// walk takes window k from full[k%streamReaders], and the pages past
	// upto from the reader that would read window number windows.
	full []chan *rawPage
	free chan *rawPage
	// k is the number of the window the walk reads next, of windows.
	k, windows int64
	// cur is the page the walk reads, at row i; held is the page before
	// it, until the walk is done with its last row.
	cur, held *rawPage
	i         int
	err       error
	// report, when set, is told the seq of each page's last row once the
	// walk is done with the page (WithProgress); reported is the last seq
	// it was told.
	report   func(done int64)
	reported int64
}

// streamEntries starts reading the entries of db after entry after, which
// up to entry upto exist already; close stops it.
func streamEntries(ctx context.Context, db *sqldb.DB, after, upto int64) *entryStream {
	ctx, cancel := context.WithCancel(ctx)
	// Each reader holds a page it fills and one it has sent; the walk
	// holds the page it reads and the one before.
	s := &entryStream{ctx: ctx, cancel: cancel, free: make(chan *rawPage, 2*streamReaders+2),
		windows: max(0, (upto-after+verifyPage-1)/verifyPage)}
	for range cap(s.free) {
		s.free <- &rawPage{}
	}
	for r := range int64(streamReaders) {
		full := make(chan *rawPage, 1)
		s.full = append(s.full, full)
		go s.read(ctx, db, full, after, upto, r, s.windows)
	}
	return s
}

// read fills free pages with windows r, r+streamReaders, … of the
// entries after entry after, up to entry upto, in windows of verifyPage
// seqs, and sends them on full. The reader of window number windows,
// the first past upto, then reads on after upto page by page, until a
// page comes back short. It stops at the first error.
func (s *entryStream) read(ctx context.Context, db *sqldb.DB, full chan<- *rawPage, after, upto, r, windows int64) {
	defer close(full)
	// send fills a free page with load and sends it, and returns what the
	// reader needs of it, read before the walk may have it.
	send := func(load func(p *rawPage) error) (last bool, lastSeq int64, ok bool) {
		var p *rawPage
		select {
		case p = <-s.free:
		case <-ctx.Done():
			return false, 0, false
		}
		p.err = load(p)
		last, ok = p.last, p.err == nil
		if n := len(p.rows); n > 0 {
			lastSeq = p.rows[n-1].seq
		}
		full <- p
		return last, lastSeq, ok
	}
	for k := r; k < windows; k += streamReaders {
		lo := after + k*verifyPage
		hi := min(lo+verifyPage, upto)
		if _, _, ok := send(func(p *rawPage) error { return p.window(ctx, db, lo, hi) }); !ok {
			return
		}
	}
	if windows%streamReaders != r {
		return
	}
	from := max(after, upto)
	for {
		last, lastSeq, ok := send(func(p *rawPage) error {
			err := p.load(ctx, db, from)
			p.last = err == nil && len(p.rows) < verifyPage
			return err
		})
		if !ok || last {
			return
		}
		from = lastSeq
	}
}

// peek returns the next row without consuming it; nil at the end.
func (s *entryStream) peek() (*rawEntry, error) {
	for s.err == nil && (s.cur == nil || s.i == len(s.cur.rows)) {
		s.reportPage()
		if s.cur != nil && s.cur.last {
			return nil, nil
		}
		p, ok := <-s.full[min(s.k, s.windows)%streamReaders]
		if !ok {
			return nil, fmt.Errorf("reading entries: %w", context.Cause(s.ctx))
		}
		s.k++
		if s.held != nil {
			s.free <- s.held
		}
		s.held, s.cur, s.i, s.err = s.cur, p, 0, p.err
	}
	if s.err != nil {
		return nil, s.err
	}
	return &s.cur.rows[s.i], nil
}

// reportPage tells report how far the walk is, once it is done with the
// page it read.
func (s *entryStream) reportPage() {
	if s.report == nil || s.cur == nil || len(s.cur.rows) == 0 {
		return
	}
	if seq := s.cur.rows[len(s.cur.rows)-1].seq; seq > s.reported {
		s.reported = seq
		s.report(seq)
	}
}

// next returns the next row and consumes it; nil at the end.
func (s *entryStream) next() (*rawEntry, error) {
	r, err := s.peek()
	if r != nil {
		s.i++
	}
	return r, err
}

// close stops the readers and waits for them.
func (s *entryStream) close() {
	s.cancel()
	for _, full := range s.full {
		for range full {
		}
	}
}
