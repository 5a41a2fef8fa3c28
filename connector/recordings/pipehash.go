package recordings

import (
	"hash"
	"sync"
)

// pipeDepth is how many blocks wait to be hashed at most.
const pipeDepth = 4

// pipeHash computes a hash in its own goroutine, so that hashing a block
// overlaps the download of the next one. It holds at most pipeDepth copies
// of blocks of bufSize bytes.
type pipeHash struct {
	h          hash.Hash
	full, free chan []byte
	done       chan struct{}
	once       sync.Once
}

// newPipeHash starts hashing with h. Stop must be called.
func newPipeHash(h hash.Hash) *pipeHash {
	p := &pipeHash{h: h, full: make(chan []byte, pipeDepth), free: make(chan []byte, pipeDepth), done: make(chan struct{})}
	for range pipeDepth {
		p.free <- make([]byte, bufSize)
	}
	go func() {
		defer close(p.done)
		for b := range p.full {
			p.h.Write(b)
			p.free <- b[:cap(b)]
		}
	}()
	return p
}

// Write queues a copy of b to be hashed; it never fails.
func (p *pipeHash) Write(b []byte) (int, error) {
	n := len(b)
	for len(b) > 0 {
		buf := <-p.free
		k := copy(buf, b)
		p.full <- buf[:k]
		b = b[k:]
	}
	return n, nil
}

// Stop waits for the queued blocks to be hashed and ends the goroutine. It
// may be called more than once.
func (p *pipeHash) Stop() {
	p.once.Do(func() { close(p.full) })
	<-p.done
}

// Sum stops the pipeHash and returns the digest of everything written.
func (p *pipeHash) Sum() []byte {
	p.Stop()
	return p.h.Sum(nil)
}
