package audit

import (
	"context"
	"fmt"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// streamPages is how many pages an entryStream reuses: the one the walk
// reads, the one before it (whose last row the walk may still hold) and
// one the reader fills meanwhile.
const streamPages = 3

// entryStream reads the entries in seq order for Verify, a page ahead of
// the walk, on a goroutine of its own: reading rows and hashing them take
// two cores. Its pages are reused, so it takes constant memory. A row it
// returns stays valid until next has returned a page of rows after it.
type entryStream struct {
	ctx    context.Context
	full   chan *rawPage
	free   chan *rawPage
	cancel context.CancelFunc
	// cur is the page the walk reads, at row i; held is the page before
	// it, until the walk is done with its last row.
	cur, held *rawPage
	i         int
	last      bool
	err       error
	// report, when set, is told the seq of each page's last row once the
	// walk is done with the page (WithProgress); reported is the last seq
	// it was told.
	report   func(done int64)
	reported int64
}

// streamEntries starts reading the entries of db after entry after; close
// stops it.
func streamEntries(ctx context.Context, db *sqldb.DB, after int64) *entryStream {
	ctx, cancel := context.WithCancel(ctx)
	s := &entryStream{ctx: ctx, full: make(chan *rawPage, streamPages), free: make(chan *rawPage, streamPages), cancel: cancel}
	for range streamPages {
		s.free <- &rawPage{}
	}
	go s.read(ctx, db, after)
	return s
}

// read fills free pages with the entries after entry after until the end
// of the trail or an error.
func (s *entryStream) read(ctx context.Context, db *sqldb.DB, after int64) {
	defer close(s.full)
	for {
		var p *rawPage
		select {
		case p = <-s.free:
		case <-ctx.Done():
			return
		}
		p.err = p.load(ctx, db, after)
		s.full <- p
		if p.err != nil || len(p.rows) < verifyPage {
			return
		}
		after = p.rows[len(p.rows)-1].seq
	}
}

// peek returns the next row without consuming it; nil at the end.
func (s *entryStream) peek() (*rawEntry, error) {
	for s.err == nil && (s.cur == nil || s.i == len(s.cur.rows)) {
		s.reportPage()
		if s.cur != nil && s.last {
			return nil, nil
		}
		p, ok := <-s.full
		if !ok {
			return nil, fmt.Errorf("reading entries: %w", context.Cause(s.ctx))
		}
		if s.held != nil {
			s.free <- s.held
		}
		s.held, s.cur, s.i, s.err = s.cur, p, 0, p.err
		s.last = p.err == nil && len(p.rows) < verifyPage
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

// close stops the reader and waits for it.
func (s *entryStream) close() {
	s.cancel()
	for range s.full {
	}
}
