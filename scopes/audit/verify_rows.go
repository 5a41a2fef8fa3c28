package audit

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// verifyPage is how many entries one query of Verify reads: large enough
// that the round trips cost nothing next to the rows, small enough that
// the few pages in flight take a few MiB whatever the trail's size.
const verifyPage = 4096

// magicLen is the length of every entry magic (FuzzRawEntryHash checks the
// three against entryHash); the pages leave that much room before each
// entry's encoding, so that it hashes in one call.
const magicLen = len(entryMagic)

// entryMagics are the entry magics by format version.
var entryMagics = [...]string{formatV1: entryMagic, formatV2: entryMagicV2, formatV3: entryMagicV3}

// rawEntry is an entry as Verify reads it: the canonical encoding of every
// column as read (the version 3 layout, whatever the entry's version),
// and the columns the walk compares, as slices of its page.
type rawEntry struct {
	seq     int64
	version int64
	// at, latency and audio are the time_us, latency_us and audio_us
	// columns as stored.
	at, latency, audio int64
	// fv is the oldest format version that holds the entry's fields.
	fv int
	// slot is magicLen bytes of room followed by the encoding; v1End and
	// v2End are where the version 1 and 2 encodings end in it.
	slot         []byte
	v1End, v2End int
	chainID      []byte
	prevHash     []byte
	hash         []byte
}

// time is the entry's time.
func (r *rawEntry) time() time.Time { return sqldb.FromMicros(r.at) }

// hashes reports whether the entry's stored hash is the hash of its
// columns, at its own seq in its own chain: what entryHash computes from
// the stored entry, without building it.
func (r *rawEntry) hashes() bool {
	end := len(r.slot)
	switch {
	case r.version == formatV1 && r.fv == formatV1:
		end = r.v1End
	case r.version == formatV2 && r.fv != formatV3:
		end = r.v2End
	case r.version != formatV3:
		return false
	}
	copy(r.slot, entryMagics[r.version])
	sum := sha256.Sum256(r.slot[:end])
	var text [2 * sha256.Size]byte
	hex.Encode(text[:], sum[:])
	return string(text[:]) == string(r.hash)
}

// stored returns the entry as scanStored would have read it.
func (r *rawEntry) stored() stored {
	d := decoder{b: r.slot[magicLen:]}
	var s stored
	s.chainID, s.version = d.str(), int(r.version)
	s.Seq, s.ID = d.int(), d.str()
	d.int()
	s.Time = r.time()
	s.ActorID, s.ActorEmail, s.ClientID, s.Event = d.str(), d.str(), d.str(), Event(d.str())
	s.APIName, s.MethodName, s.Scope, s.Purpose, s.Resource = d.str(), d.str(), d.str(), d.str(), d.str()
	s.HTTPStatus, s.ErrorReason, s.Outcome = int(d.int()), d.str(), Outcome(d.str())
	s.NumResponseBytes, s.Items = d.int(), d.int()
	d.int()
	s.Latency = time.Duration(r.latency) * time.Microsecond
	s.RequestID, s.Replica, s.RefSeq, s.PrevHash = d.str(), d.str(), d.int(), d.str()
	s.Host, s.BytesSent = d.str(), d.int()
	d.int()
	s.AudioDuration = time.Duration(r.audio) * time.Microsecond
	s.SubjectID, s.SubjectEmail = d.str(), d.str()
	s.Hash = string(r.hash)
	return s
}

// decoder reads back what an encoder wrote into a byte slice.
type decoder struct{ b []byte }

func (d *decoder) str() string {
	n, k := binary.Uvarint(d.b)
	s := string(d.b[k : k+int(n)])
	d.b = d.b[k+int(n):]
	return s
}

func (d *decoder) int() int64 {
	i := int64(binary.BigEndian.Uint64(d.b))
	d.b = d.b[8:]
	return i
}

func appendStr(b, s []byte) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func appendInt(b []byte, i int64) []byte { return binary.BigEndian.AppendUint64(b, uint64(i)) }

// rawPage is a page of entries, read into one buffer that is reused.
type rawPage struct {
	buf  []byte
	rows []rawEntry
	// spans are where each row's parts lie in buf (see add), turned into
	// the rows' slices once buf stops growing.
	spans []rawSpan
	err   error
	// last marks the page that ends the stream.
	last bool
}

// rawSpan is where a row's parts lie in its page's buffer: the slot from
// slot to hash, where the row's hash starts and runs to end, and its chain
// id and prev hash inside the slot.
type rawSpan struct{ slot, chainID, chainEnd, prev, prevEnd, hash, end int }

// rawColumns are the columns a rawPage scans, the column values a row's
// encoding is built from.
type rawColumns struct {
	seq, version, at, status, respBytes, items, latency, ref, sent, audio                      int64
	id, chainID, actor, email, client, event, api, method, scope, purpose, resource, errReason sql.RawBytes
	outcome, requestID, replica, prevHash, hash, host, subjectID, subjectEmail                 sql.RawBytes
}

// load reads the page of entries after entry after.
func (p *rawPage) load(ctx context.Context, db *sqldb.DB, after int64) error {
	return p.query(ctx, db, fmt.Sprintf("after %d", after),
		"SELECT "+storedColumns+" FROM audit_entries WHERE seq > ? ORDER BY seq LIMIT ?", after, verifyPage)
}

// window reads the entries after entry lo up to entry hi: at most
// verifyPage of them, since seq is the table's key.
func (p *rawPage) window(ctx context.Context, db *sqldb.DB, lo, hi int64) error {
	return p.query(ctx, db, fmt.Sprintf("%d to %d", lo+1, hi),
		"SELECT "+storedColumns+" FROM audit_entries WHERE seq > ? AND seq <= ? ORDER BY seq", lo, hi)
}

// query reads the entries q selects into the page; which says which they
// are, for errors.
func (p *rawPage) query(ctx context.Context, db *sqldb.DB, which, q string, args ...any) error {
	p.buf, p.rows, p.spans, p.last = p.buf[:0], p.rows[:0], p.spans[:0], false
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("reading entries %s: %w", which, err)
	}
	defer rows.Close()
	var c rawColumns
	for rows.Next() {
		if err := rows.Scan(&c.seq, &c.id, &c.version, &c.chainID, &c.at, &c.actor, &c.email, &c.client, &c.event,
			&c.api, &c.method, &c.scope, &c.purpose, &c.resource, &c.status, &c.errReason, &c.outcome,
			&c.respBytes, &c.items, &c.latency, &c.requestID, &c.replica, &c.ref, &c.prevHash, &c.hash,
			&c.host, &c.sent, &c.audio, &c.subjectID, &c.subjectEmail); err != nil {
			return fmt.Errorf("reading entries %s: %w", which, err)
		}
		p.add(&c)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading entries %s: %w", which, err)
	}
	p.fix()
	return nil
}

// fix points the rows' slices into the page's buffer, once it is full.
func (p *rawPage) fix() {
	for i, s := range p.spans {
		r := &p.rows[i]
		r.slot = p.buf[s.slot:s.hash:s.hash]
		r.chainID, r.prevHash, r.hash = p.buf[s.chainID:s.chainEnd], p.buf[s.prev:s.prevEnd], p.buf[s.hash:s.end]
	}
}

// add appends a row: room for the magic, then the encoding of every
// column, in entryHash's order and with its conversions, then the hash.
func (p *rawPage) add(c *rawColumns) {
	r := rawEntry{seq: c.seq, version: c.version, at: c.at, latency: c.latency, audio: c.audio, fv: formatV1}
	switch {
	case len(c.subjectID) > 0 || len(c.subjectEmail) > 0:
		r.fv = formatV3
	case len(c.host) > 0 || c.sent != 0 || time.Duration(c.audio)*time.Microsecond != 0:
		r.fv = formatV2
	}
	var s rawSpan
	b := p.buf
	s.slot = len(b)
	b = append(b, entryMagic...)
	b = binary.AppendUvarint(b, uint64(len(c.chainID)))
	s.chainID = len(b)
	b = append(b, c.chainID...)
	s.chainEnd = len(b)
	b = appendInt(b, c.seq)
	b = appendStr(b, c.id)
	b = appendInt(b, sqldb.FromMicros(c.at).UnixMicro())
	for _, f := range [...][]byte{c.actor, c.email, c.client, c.event, c.api, c.method, c.scope, c.purpose, c.resource} {
		b = appendStr(b, f)
	}
	b = appendInt(b, int64(int(c.status)))
	b = appendStr(b, c.errReason)
	b = appendStr(b, c.outcome)
	b = appendInt(b, c.respBytes)
	b = appendInt(b, c.items)
	b = appendInt(b, (time.Duration(c.latency) * time.Microsecond).Microseconds())
	b = appendStr(b, c.requestID)
	b = appendStr(b, c.replica)
	b = appendInt(b, c.ref)
	b = binary.AppendUvarint(b, uint64(len(c.prevHash)))
	s.prev = len(b)
	b = append(b, c.prevHash...)
	s.prevEnd = len(b)
	r.v1End = len(b) - s.slot
	b = appendStr(b, c.host)
	b = appendInt(b, c.sent)
	b = appendInt(b, (time.Duration(c.audio) * time.Microsecond).Microseconds())
	r.v2End = len(b) - s.slot
	b = appendStr(b, c.subjectID)
	b = appendStr(b, c.subjectEmail)
	s.hash = len(b)
	b = append(b, c.hash...)
	s.end = len(b)
	p.buf = b
	p.rows = append(p.rows, r)
	p.spans = append(p.spans, s)
}
