package workspace

import (
	"encoding/binary"
	"hash/fnv"
	"io"
)

// generatedBody is a stream of pseudo-random bytes derived from a key. Byte
// i depends only on the key and i, so reading from any offset costs O(1) and
// nothing is held in memory.
type generatedBody struct {
	key  uint64
	size int64
	digest
}

// GeneratedBody returns a Body of size pseudo-random bytes determined by
// key: equal keys give equal content. It stands in for large recordings.
func GeneratedBody(key string, size int64) Body {
	return &generatedBody{key: hashKey(key), size: max(size, 0)}
}

// Size returns the length of the content.
func (g *generatedBody) Size() int64 { return g.size }

// NewReader returns a reader of the content from offset 0.
func (g *generatedBody) NewReader() io.ReadSeeker {
	return &generatedReader{key: g.key, size: g.size}
}

// checksum returns the md5 of the content, computed once.
func (g *generatedBody) checksum() string { return g.of(g) }

// generatedReader reads a generatedBody.
type generatedReader struct {
	key       uint64
	size, off int64
}

// Read fills p with the content at the current offset.
func (r *generatedReader) Read(p []byte) (int, error) {
	if r.off >= r.size {
		return 0, io.EOF
	}
	if rem := r.size - r.off; int64(len(p)) > rem {
		p = p[:rem]
	}
	var word [8]byte
	for i := 0; i < len(p); {
		idx, within := uint64(r.off)/8, int(r.off%8)
		if within == 0 && len(p)-i >= 8 {
			binary.LittleEndian.PutUint64(p[i:], mix(r.key+idx*golden))
			i += 8
			r.off += 8
			continue
		}
		binary.LittleEndian.PutUint64(word[:], mix(r.key+idx*golden))
		n := copy(p[i:], word[within:])
		i += n
		r.off += int64(n)
	}
	return len(p), nil
}

// Seek sets the offset for the next Read.
func (r *generatedReader) Seek(offset int64, whence int) (int64, error) {
	off, err := seekOffset(r.off, r.size, offset, whence)
	r.off = off
	return off, err
}

// golden is the splitmix64 increment, 2^64 divided by the golden ratio.
const golden = 0x9e3779b97f4a7c15

// mix is the splitmix64 finaliser, a bijection on uint64 with good
// avalanche: a cheap, counter-based source of pseudo-random words.
func mix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// hashKey turns a string key into a 64-bit seed.
func hashKey(key string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(key)) // hash.Hash never fails.
	return h.Sum64()
}
