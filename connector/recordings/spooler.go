package recordings

import (
	"crypto/md5"
	"fmt"
	"hash"
	"io"
	"os"
	"sync"
	"sync/atomic"
)

// blockSize is the size of the blocks a download moves through: each costs
// about one write to the file and one call to md5.
const blockSize = 1 << 20

// writebackChunk is how many bytes are written before the spooler starts
// writing them back to the disk (see writeBack).
const writebackChunk = 8 << 20

// ringSize is how many blocks a download holds, whatever the size of the
// recording: one being read, one being written, one being hashed and one
// to spare.
const ringSize = 4

// spooler appends a download to a temporary file and hashes it with md5 in
// a pipeline along a ring of blocks: the caller reads the network into a
// block, a writer goroutine appends it to the file, then a hasher goroutine
// hashes it and frees it. Reading, writing and hashing consecutive blocks
// overlap, on as many cores as there are, and no byte is copied between
// them. Only the bytes written are hashed, in file order.
type spooler struct {
	f    *os.File
	sum  hash.Hash
	free chan []byte // blocks to read into

	writes  chan []byte    // blocks read, in file order; nil while stopped
	hashed  chan struct{}  // closed when the hasher has hashed every block
	pending sync.WaitGroup // blocks sent to writes and not yet written
	failed  atomic.Bool    // a write failed: stop reading

	// off and werr are set by the writer: read them only after
	// pending.Wait, or while the pipeline is stopped.
	off      int64 // bytes in the file, all hashed or queued for hashing
	werr     error // the write that failed since the last readFrom
	unsynced int64 // where the bytes not yet handed to writeBack begin

	// watch cuts the download when the member's grant is revoked; nil
	// watches nothing.
	watch *revocationWatch
	// reached is how many bytes of the file are read, written or queued to
	// be written, for the download's progress to read at any time.
	reached atomic.Int64
}

// newSpooler returns a spooler of f, which it appends to from f's current
// offset. close must be called.
func newSpooler(f *os.File) *spooler {
	sp := &spooler{f: f, sum: md5.New(), free: make(chan []byte, ringSize)}
	for range ringSize {
		sp.free <- make([]byte, blockSize)
	}
	return sp
}

// start starts the writer and the hasher.
func (sp *spooler) start() {
	sp.writes = make(chan []byte, ringSize)
	hashes := make(chan []byte, ringSize)
	sp.hashed = make(chan struct{})
	go sp.write(sp.writes, hashes)
	go sp.hash(hashes, sp.hashed)
}

// close waits for the blocks queued to be written and hashed, and stops the
// writer and the hasher. It may be called more than once.
func (sp *spooler) close() {
	if sp.writes == nil {
		return
	}
	close(sp.writes)
	<-sp.hashed
	sp.writes = nil
}

// digest stops the pipeline and returns the md5 of the file's bytes.
func (sp *spooler) digest() []byte {
	sp.close()
	return sp.sum.Sum(nil)
}

// write appends each block to the file, counts the bytes written, and
// hands them on to be hashed. After a failed write it drops the blocks
// queued behind it, so that the file never has a hole.
func (sp *spooler) write(blocks <-chan []byte, hashes chan<- []byte) {
	defer close(hashes)
	for b := range blocks {
		if sp.werr == nil {
			n, err := sp.f.Write(b)
			sp.off += int64(n)
			for ; sp.off-sp.unsynced >= writebackChunk; sp.unsynced += writebackChunk {
				writeBack(sp.f, sp.unsynced, writebackChunk)
			}
			if err != nil {
				sp.werr = fmt.Errorf("writing the spool: %w", err)
				sp.failed.Store(true)
			}
			hashes <- b[:n]
		} else {
			sp.free <- b[:cap(b)]
		}
		sp.pending.Done()
	}
}

// hash hashes each block in order and frees it.
func (sp *spooler) hash(blocks <-chan []byte, done chan<- struct{}) {
	defer close(done)
	for b := range blocks {
		sp.sum.Write(b)
		sp.free <- b[:cap(b)]
	}
}

// resume continues a temporary file left by an earlier run: it hashes the
// bytes already there, or empties the file when it is longer than the
// recording, and starts the pipeline.
func (sp *spooler) resume(size int64) error {
	end, err := sp.f.Seek(0, io.SeekEnd)
	if err != nil {
		return err
	}
	if end > size {
		return sp.restart()
	}
	if _, err := sp.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	b := <-sp.free
	defer func() { sp.free <- b }()
	if _, err := io.CopyBuffer(sp.sum, io.LimitReader(sp.f, end), b); err != nil {
		return fmt.Errorf("hashing the partial download: %w", err)
	}
	sp.off, sp.unsynced = end, end
	sp.reached.Store(end)
	sp.start()
	return nil
}

// restart empties the file and the hash, and starts the pipeline again.
func (sp *spooler) restart() error {
	sp.close()
	if err := sp.f.Truncate(0); err != nil {
		return err
	}
	_, err := sp.f.Seek(0, io.SeekStart)
	sp.sum.Reset()
	sp.off, sp.unsynced = 0, 0
	sp.reached.Store(0)
	sp.start()
	return err
}

// readFrom appends body to the file until the body ends, and returns once
// every byte read is written: nil at the end of the body, else the error
// that cut it or that a write returned. The bytes read before a cut are
// kept, so that the next request asks for the rest.
func (sp *spooler) readFrom(body io.Reader) error {
	err := sp.pump(body)
	sp.pending.Wait()
	if werr := sp.werr; werr != nil {
		sp.werr = nil
		sp.failed.Store(false)
		return werr
	}
	return err
}

// pump reads body into free blocks, whole blocks but for the last, and
// queues them to be written, until the body ends, a read fails, a write
// failed or the watch cuts the download.
func (sp *spooler) pump(body io.Reader) error {
	// Nothing is being written yet: off is the writer's to change only
	// once the first block is queued.
	reached := sp.off
	sp.reached.Store(reached)
	for !sp.failed.Load() {
		b := <-sp.free
		n, err := fill(body, b)
		if n > 0 {
			sp.pending.Add(1)
			sp.writes <- b[:n]
			reached += int64(n)
			sp.reached.Store(reached)
		} else {
			sp.free <- b
		}
		if err == io.EOF { // As io.Copy: a reader's io.EOF is never wrapped.
			return nil
		}
		if err != nil {
			return err
		}
		if err := sp.watch.spooled(n); err != nil {
			return err
		}
	}
	return nil
}

// fill reads r into b until b is full or a read fails. Unlike io.ReadFull,
// it returns the reader's error as it is: a body cut short returns
// io.ErrUnexpectedEOF, which is no end.
func fill(r io.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		k, err := r.Read(b[n:])
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
