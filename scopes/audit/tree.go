package audit

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// The entries are the records of a Merkle tree in golang.org/x/mod's
// sumdb/tlog layout: record n is entry n+1, and its data is that entry's
// hash, in hex (leafData). The tree's stored hashes live in audit_tree. They
// are written when a checkpoint is made, for the entries since the last one,
// so appends never hash the tree.

// treeChunk is how many entries one transaction adds to the stored tree.
const treeChunk = 4096

// leafData is the tlog record of an entry whose hash is hash.
func leafData(hash string) []byte { return []byte(hash) }

// querier is what *sqldb.DB and *sqldb.Tx offer for reading.
type querier interface {
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// treeReader reads stored tree hashes: those in mem first, then audit_tree.
type treeReader struct {
	ctx context.Context
	q   querier
	mem map[int64]tlog.Hash
}

// ReadHashes implements tlog.HashReader.
func (r *treeReader) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	var missing []any
	for _, i := range indexes {
		if _, ok := r.mem[i]; !ok {
			missing = append(missing, i)
		}
	}
	if len(missing) > 0 {
		rows, err := r.q.Query(r.ctx, "SELECT idx, hash FROM audit_tree WHERE idx IN ("+
			strings.TrimSuffix(strings.Repeat("?, ", len(missing)), ", ")+")", missing...)
		if err != nil {
			return nil, fmt.Errorf("reading tree hashes: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var i int64
			var s string
			if err := rows.Scan(&i, &s); err != nil {
				return nil, fmt.Errorf("reading tree hashes: %w", err)
			}
			h, err := tlog.ParseHash(s)
			if err != nil {
				return nil, fmt.Errorf("tree hash %d: %w", i, err)
			}
			r.mem[i] = h
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("reading tree hashes: %w", err)
		}
	}
	for k, i := range indexes {
		h, ok := r.mem[i]
		if !ok {
			return nil, fmt.Errorf("tree hash %d is missing", i)
		}
		out[k] = h
	}
	return out, nil
}

// newTreeReader reads the stored tree through q.
func newTreeReader(ctx context.Context, q querier) *treeReader {
	return &treeReader{ctx: ctx, q: q, mem: map[int64]tlog.Hash{}}
}

// extendTree adds to the stored tree the entries after from up to to, a
// chunk per transaction. It checks what it hashes: each entry must be at its
// place and link to the entry before it, or it returns an
// *InconsistentError naming the entry. (An entry whose fields were edited
// without rehashing it gets signed, and Verify names it still.) Hashes already stored are
// left as they are, so an interrupted extension can run again.
func extendTree(ctx context.Context, db *sqldb.DB, chainID string, from, to int64) error {
	for start := from; start < to; start += treeChunk {
		end := min(start+treeChunk, to)
		err := db.InTx(ctx, func(tx *sqldb.Tx) error {
			return extendChunk(ctx, tx, chainID, start, end)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// extendChunk hashes entries start+1 to end into the stored tree.
func extendChunk(ctx context.Context, tx *sqldb.Tx, chainID string, start, end int64) error {
	prev := genesis(chainID)
	if start > 0 {
		var err error
		if prev, err = hashAt(ctx, tx, start); err != nil {
			return err
		}
	}
	chunk, err := readLinks(ctx, tx, start, end)
	if err != nil {
		return err
	}
	r := newTreeReader(ctx, tx)
	var add []any
	n := start
	for _, s := range chunk {
		switch {
		case s.Seq != n+1:
			return inconsistent(n+1, "entry %d is missing from the stored trail", n+1)
		case s.PrevHash != prev:
			return inconsistent(s.Seq, "entry %d does not link to entry %d", s.Seq, s.Seq-1)
		}
		hs, err := tlog.StoredHashes(n, leafData(s.Hash), r)
		if err != nil {
			return fmt.Errorf("hashing entry %d into the tree: %w", s.Seq, err)
		}
		base := tlog.StoredHashIndex(0, n)
		for i, h := range hs {
			r.mem[base+int64(i)] = h
			add = append(add, base+int64(i), h.String())
		}
		prev, n = s.Hash, n+1
	}
	if n != end {
		return inconsistent(n+1, "entry %d is missing from the stored trail", n+1)
	}
	const perInsert = 500
	for i := 0; i < len(add); i += 2 * perInsert {
		part := add[i:min(i+2*perInsert, len(add))]
		if _, err := tx.Exec(ctx, "INSERT INTO audit_tree (idx, hash) VALUES "+
			strings.TrimSuffix(strings.Repeat("(?, ?), ", len(part)/2), ", ")+" ON CONFLICT (idx) DO UPDATE SET hash = excluded.hash", part...); err != nil {
			return fmt.Errorf("storing tree hashes for entries %d to %d: %w", start+1, end, err)
		}
	}
	return nil
}

// hashAt reads the stored hash of entry seq.
func hashAt(ctx context.Context, q rowQuerier, seq int64) (string, error) {
	var h string
	if err := q.QueryRow(ctx, "SELECT hash FROM audit_entries WHERE seq = ?", seq).Scan(&h); err != nil {
		return "", fmt.Errorf("reading entry %d: %w", seq, err)
	}
	return h, nil
}

// merkle computes the tree hash of the records added so far, keeping only
// the hashes of its complete subtrees: O(log n) memory, as verify needs.
type merkle struct {
	n     int64
	stack []tlog.Hash
}

// add appends a record.
func (m *merkle) add(data []byte) {
	h := tlog.RecordHash(data)
	m.n++
	for k := m.n; k&1 == 0; k >>= 1 {
		h = tlog.NodeHash(m.stack[len(m.stack)-1], h)
		m.stack = m.stack[:len(m.stack)-1]
	}
	m.stack = append(m.stack, h)
}

// root returns the tree hash of the records added so far.
func (m *merkle) root() tlog.Hash {
	if len(m.stack) == 0 {
		return tlog.Hash{}
	}
	r := m.stack[len(m.stack)-1]
	for i := len(m.stack) - 2; i >= 0; i-- {
		r = tlog.NodeHash(m.stack[i], r)
	}
	return r
}

// encodeHash writes a tree hash in base64, as checkpoint notes do.
func encodeHash(h tlog.Hash) string { return base64.StdEncoding.EncodeToString(h[:]) }

// link is what the tree needs of an entry.
type link struct {
	Seq            int64
	PrevHash, Hash string
}

// readLinks reads the links of entries start+1 to end, all at once.
func readLinks(ctx context.Context, q querier, start, end int64) ([]link, error) {
	rows, err := q.Query(ctx, "SELECT seq, prev_hash, hash FROM audit_entries WHERE seq > ? AND seq <= ? ORDER BY seq", start, end)
	if err != nil {
		return nil, fmt.Errorf("reading entries %d to %d: %w", start+1, end, err)
	}
	defer rows.Close()
	out := make([]link, 0, end-start)
	for rows.Next() {
		var l link
		if err := rows.Scan(&l.Seq, &l.PrevHash, &l.Hash); err != nil {
			return nil, fmt.Errorf("reading entries %d to %d: %w", start+1, end, err)
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading entries %d to %d: %w", start+1, end, err)
	}
	return out, nil
}
