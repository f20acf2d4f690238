package webhook

import (
	"container/heap"
	"context"
	"errors"
	"strconv"
	"sync"
	"time"
)

// ReplayStore records deliveries by replay key so that each is handled once.
//
// A receiver claims a key before it calls the handler, then completes the
// claim when the handler succeeded or releases it when the handler failed,
// so that the sender's retry is handled. A claim that is neither completed
// nor released, because the process died, expires after its lease and the
// key can be claimed again. A completed key is remembered until its
// retention ends.
//
// Implementations must be safe for concurrent use, and Claim must be atomic:
// of several concurrent claims of one key, at most one succeeds.
type ReplayStore interface {
	// Claim reserves key until now+lease and returns a token that identifies
	// this claim. It returns an error wrapping ErrDuplicate when the key was
	// completed and its retention has not ended, and ErrInFlight when
	// another claim on it has not expired. An expired claim or an ended
	// retention counts as absent.
	Claim(ctx context.Context, key string, now time.Time, lease time.Duration) (token string, err error)

	// Complete records key as handled until now+retention. It returns an
	// error wrapping ErrClaimLost when the claim identified by token no
	// longer holds the key, because it expired and another claim took it.
	Complete(ctx context.Context, key, token string, now time.Time, retention time.Duration) error

	// Release deletes the claim identified by token, so that key can be
	// claimed at once. Releasing a claim that is no longer held does
	// nothing.
	Release(ctx context.Context, key, token string) error
}

// Replay store errors.
var (
	// ErrDuplicate means that the delivery was handled already. The
	// receiver responds with 204 without calling the handler.
	ErrDuplicate = errors.New("delivery already handled")

	// ErrInFlight means that another copy of the delivery is being handled.
	// The receiver responds with 409 with Retry-After.
	ErrInFlight = errors.New("delivery is being handled")

	// ErrClaimLost means that a claim expired and another claim took the
	// key over before Complete.
	ErrClaimLost = errors.New("claim expired and was taken over")

	// ErrReplayStoreFull means that the store cannot take another key
	// without dropping one that is still protected. The receiver responds
	// with 503 with Retry-After.
	ErrReplayStoreFull = errors.New("replay store full")

	// ErrReplayStore wraps any other failure of the replay store, such as
	// an unreachable database. The receiver responds with 503 with Retry-After.
	ErrReplayStore = errors.New("replay store unavailable")
)

// DefaultMaxReplayEntries is the capacity of a MemoryReplayStore whose
// MaxEntries is zero.
const DefaultMaxReplayEntries = 100_000

// MemoryReplayStore is a ReplayStore in process memory, for a single
// receiver process. Entries expire on time, and their number is bounded.
//
// When MaxEntries keys are stored and none has expired, Claim drops the
// completed key whose retention ends first. A duplicate of that delivery
// would then be handled again, and so would a replay of it while its
// timestamp is still inside the verifier's window. Size MaxEntries above the
// number of deliveries that arrive within twice the timestamp tolerance.
// When all stored keys are claims in flight, Claim returns
// ErrReplayStoreFull instead.
//
// The zero value is ready to use. The memory is lost when the process ends:
// use a shared database store (package webhook/sqlreplay) for several
// receiver processes or for protection across restarts.
type MemoryReplayStore struct {
	// MaxEntries bounds the number of stored keys. Zero means
	// DefaultMaxReplayEntries.
	MaxEntries int

	mu      sync.Mutex
	entries map[string]*memoryEntry
	claims  expiryHeap // expiry of entries in flight
	done    expiryHeap // expiry of completed entries
	seq     uint64
}

type memoryEntry struct {
	token   string
	done    bool
	expires int64 // Unix nanoseconds
	seq     uint64
}

var _ ReplayStore = (*MemoryReplayStore)(nil)

// Claim implements ReplayStore.
func (m *MemoryReplayStore) Claim(_ context.Context, key string, now time.Time, lease time.Duration) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.entries == nil {
		m.entries = make(map[string]*memoryEntry)
	}
	m.expire(now.UnixNano())

	if e, ok := m.entries[key]; ok {
		if e.done {
			return "", ErrDuplicate
		}
		return "", ErrInFlight
	}
	if len(m.entries) >= m.capacity() && !m.evictCompleted() {
		return "", ErrReplayStoreFull
	}

	m.seq++
	e := &memoryEntry{token: strconv.FormatUint(m.seq, 10), expires: now.Add(lease).UnixNano(), seq: m.seq}
	m.entries[key] = e
	heap.Push(&m.claims, expiryItem{key: key, expires: e.expires, seq: e.seq})
	m.compact()
	return e.token, nil
}

// Complete implements ReplayStore.
func (m *MemoryReplayStore) Complete(_ context.Context, key, token string, now time.Time, retention time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[key]
	if !ok || e.done || e.token != token {
		return ErrClaimLost
	}
	m.seq++
	e.done, e.expires, e.seq = true, now.Add(retention).UnixNano(), m.seq
	heap.Push(&m.done, expiryItem{key: key, expires: e.expires, seq: e.seq})
	m.compact()
	return nil
}

// Release implements ReplayStore.
func (m *MemoryReplayStore) Release(_ context.Context, key, token string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.entries[key]; ok && !e.done && e.token == token {
		delete(m.entries, key)
	}
	return nil
}

// Len returns the number of stored keys, expired ones included until the
// next Claim removes them.
func (m *MemoryReplayStore) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.entries)
}

func (m *MemoryReplayStore) capacity() int {
	if m.MaxEntries <= 0 {
		return DefaultMaxReplayEntries
	}
	return m.MaxEntries
}

// expire removes the entries that expired at or before now.
func (m *MemoryReplayStore) expire(now int64) {
	for _, h := range []*expiryHeap{&m.claims, &m.done} {
		for h.Len() > 0 {
			top := (*h)[0]
			live := m.current(top)
			if live && top.expires > now {
				break
			}
			heap.Pop(h)
			if live {
				delete(m.entries, top.key)
			}
		}
	}
}

// evictCompleted removes the completed entry that expires first and
// reports whether there was one.
func (m *MemoryReplayStore) evictCompleted() bool {
	for m.done.Len() > 0 {
		top := heap.Pop(&m.done).(expiryItem)
		if m.current(top) {
			delete(m.entries, top.key)
			return true
		}
	}
	return false
}

// current reports whether item describes the present state of its entry.
// Items of earlier states stay in the heaps until they reach the top.
func (m *MemoryReplayStore) current(item expiryItem) bool {
	e, ok := m.entries[item.key]
	return ok && e.seq == item.seq
}

// compact rebuilds the heaps when outdated items outnumber the entries,
// which bounds their memory when keys are claimed and released repeatedly.
func (m *MemoryReplayStore) compact() {
	if m.claims.Len()+m.done.Len() <= 2*len(m.entries)+1024 {
		return
	}
	m.claims, m.done = m.claims[:0], m.done[:0]
	for key, e := range m.entries {
		item := expiryItem{key: key, expires: e.expires, seq: e.seq}
		if e.done {
			m.done = append(m.done, item)
		} else {
			m.claims = append(m.claims, item)
		}
	}
	heap.Init(&m.claims)
	heap.Init(&m.done)
}

type expiryItem struct {
	key     string
	expires int64
	seq     uint64
}

// expiryHeap is a min-heap of items by expiry.
type expiryHeap []expiryItem

func (h expiryHeap) Len() int           { return len(h) }
func (h expiryHeap) Less(i, j int) bool { return h[i].expires < h[j].expires }
func (h expiryHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *expiryHeap) Push(x any)        { *h = append(*h, x.(expiryItem)) }

func (h *expiryHeap) Pop() any {
	old := *h
	item := old[len(old)-1]
	*h = old[:len(old)-1]
	return item
}
