package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
)

// maxStatements bounds how many prepared statements one SQLite handle
// keeps. Queries past it, such as the IN lists that vary with their
// arguments, run unprepared, as they would without the cache.
const maxStatements = 512

// handle is what a DB opened by Open or OpenReadOnly keeps besides its
// *sql.DB: the prepared statements and the functions to run before it
// closes.
//
// SQLite parses and plans a statement each time it is prepared, which costs
// more than running a small one, so a SQLite handle caches its statements:
// database/sql prepares a cached statement again on each connection it runs
// on, and reuses it inside transactions. PostgreSQL needs no such cache:
// pgx keeps one per connection already.
type handle struct {
	mu sync.Mutex
	// stmts is nil when statements are not cached.
	stmts   map[string]*sql.Stmt
	closers []func() error
}

// newHandle returns the handle of a database; cache says whether it caches
// prepared statements.
func newHandle(cache bool) *handle {
	h := &handle{}
	if cache {
		h.stmts = map[string]*sql.Stmt{}
	}
	return h
}

// statement returns query prepared, or nil when it is not to be cached or
// cannot be prepared: the caller then runs it unprepared, which reports the
// error if there is one.
func (db *DB) statement(ctx context.Context, query string) *sql.Stmt {
	h := db.handle
	if h == nil || h.stmts == nil || strings.Contains(query, ";") {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if st, ok := h.stmts[query]; ok {
		return st
	}
	if len(h.stmts) >= maxStatements {
		return nil
	}
	st, err := db.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	h.stmts[query] = st
	return st
}

// OnClose makes Close run f first, as a store that queues writes needs to
// write them before the database goes. Functions run in the reverse order
// of their registration. It does nothing on a DB not made by Open or
// OpenReadOnly.
func (db *DB) OnClose(f func() error) {
	if h := db.handle; h != nil {
		h.mu.Lock()
		h.closers = append(h.closers, f)
		h.mu.Unlock()
	}
}

// Close runs the functions given to OnClose, then closes the cached
// statements and the database. It returns every error they returned.
func (db *DB) Close() error {
	var errs []error
	if h := db.handle; h != nil {
		h.mu.Lock()
		closers := h.closers
		h.closers = nil
		h.mu.Unlock()
		for i := len(closers) - 1; i >= 0; i-- {
			errs = append(errs, closers[i]())
		}
		h.mu.Lock()
		for q, st := range h.stmts {
			errs = append(errs, st.Close())
			delete(h.stmts, q)
		}
		h.mu.Unlock()
	}
	return errors.Join(append(errs, db.DB.Close())...)
}
