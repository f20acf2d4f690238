package webhook

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"sync"
)

// macSet computes HMAC-SHA256 under a fixed list of keys. It pools the keyed
// hash states, because hmac.New costs allocations and two SHA-256 blocks per
// call while Reset on a used state restores the keyed state cheaply.
type macSet struct {
	keys [][]byte
	pool sync.Pool
}

// macScratch is the per-call state that macSet pools.
type macScratch struct {
	macs []hash.Hash
	buf  []byte
	sum  [sha256.Size]byte
	enc  [2 * sha256.Size]byte // hex, the longer of the two encodings
}

// newMACSet copies keys, so that later changes by the caller have no effect,
// and rejects empty keys, because an HMAC under an empty key can be forged
// by anyone.
func newMACSet(keys [][]byte) (*macSet, error) {
	m := &macSet{keys: make([][]byte, len(keys))}
	for i, k := range keys {
		if len(k) == 0 {
			return nil, fmt.Errorf("%w: secret %d of %d is empty", ErrInvalidKey, i+1, len(keys))
		}
		m.keys[i] = bytes.Clone(k)
	}
	m.pool.New = func() any {
		return &macScratch{macs: make([]hash.Hash, len(m.keys)), buf: make([]byte, 0, 128)}
	}
	return m, nil
}

func (m *macSet) get() *macScratch { return m.pool.Get().(*macScratch) }

// maxPooledBuffer keeps an occasional huge message id from pinning memory
// in the pool.
const maxPooledBuffer = 4 << 10

func (m *macSet) put(s *macScratch) {
	if cap(s.buf) > maxPooledBuffer {
		s.buf = make([]byte, 0, 128)
	}
	s.buf = s.buf[:0]
	m.pool.Put(s)
}

// sum computes the HMAC under key i of prefix followed by body into s.sum.
func (s *macScratch) sumMAC(m *macSet, i int, prefix, body []byte) []byte {
	mac := s.macs[i]
	if mac == nil {
		mac = hmac.New(sha256.New, m.keys[i])
		s.macs[i] = mac
	} else {
		mac.Reset()
	}
	mac.Write(prefix)
	mac.Write(body)
	return mac.Sum(s.sum[:0])
}

// base64MAC returns the standard base64 form of the HMAC under key i.
func (s *macScratch) base64MAC(m *macSet, i int, prefix, body []byte) []byte {
	sum := s.sumMAC(m, i, prefix, body)
	enc := s.enc[:base64.StdEncoding.EncodedLen(len(sum))]
	base64.StdEncoding.Encode(enc, sum)
	return enc
}

// hexMAC returns the lowercase hex form of the HMAC under key i.
func (s *macScratch) hexMAC(m *macSet, i int, prefix, body []byte) []byte {
	sum := s.sumMAC(m, i, prefix, body)
	enc := s.enc[:hex.EncodedLen(len(sum))]
	hex.Encode(enc, sum)
	return enc
}

// equalConstantTime reports whether want and got are equal, in time that
// depends only on their lengths. The lengths are public: they follow from
// the hash and the encoding.
func equalConstantTime(want []byte, got string) bool {
	if len(want) != len(got) {
		return false
	}
	var diff byte
	for i := 0; i < len(want); i++ {
		diff |= want[i] ^ got[i]
	}
	return diff == 0
}

// lazyMACs builds a scheme's macSet on first use, so that schemes can be
// configured with plain struct literals.
type lazyMACs struct {
	once sync.Once
	set  *macSet
	err  error
}

func (l *lazyMACs) get(keys [][]byte) (*macSet, error) {
	l.once.Do(func() { l.set, l.err = newMACSet(keys) })
	return l.set, l.err
}
