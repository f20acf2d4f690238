package middleware

import (
	"container/list"
	"hash/maphash"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// clientStore keeps one token bucket per client key, with bounded memory.
//
// Each shard is a map plus a list in least-recently-used order. Before a
// new key is stored, the shard drops its least recently used buckets that
// have been idle for at least fullAfter: such a bucket has refilled
// completely, so a fresh bucket is the same and dropping it loses
// nothing. If the shard is still full, its least recently used bucket is
// dropped anyway, which gives that client a full bucket again.
type clientStore struct {
	seed      maphash.Seed
	shards    []storeShard
	perShard  int
	fullAfter time.Duration
	limit     rate.Limit
	burst     int
}

type storeShard struct {
	mu      sync.Mutex
	entries map[string]*list.Element
	lru     list.List // of *bucket, most recently used first
}

type bucket struct {
	key      string
	limiter  *rate.Limiter
	lastSeen time.Time
}

// shardSize is the number of clients per shard above which the store
// splits into shards, so that small limits stay exact.
const shardSize = 1024

const maxShards = 16

func newClientStore(maxClients int, limit rate.Limit, burst int) *clientStore {
	n := min(max(maxClients/shardSize, 1), maxShards)
	s := &clientStore{
		seed:      maphash.MakeSeed(),
		shards:    make([]storeShard, n),
		perShard:  maxClients / n,
		fullAfter: time.Duration(float64(burst) / float64(limit) * float64(time.Second)),
		limit:     limit,
		burst:     burst,
	}
	for i := range s.shards {
		s.shards[i].entries = make(map[string]*list.Element)
	}
	return s
}

// limiter returns the bucket of key, creating it full if needed.
func (s *clientStore) limiter(key string, now time.Time) *rate.Limiter {
	sh := &s.shards[maphash.String(s.seed, key)%uint64(len(s.shards))]
	sh.mu.Lock()
	defer sh.mu.Unlock()

	if el, ok := sh.entries[key]; ok {
		b := el.Value.(*bucket)
		b.lastSeen = now
		sh.lru.MoveToFront(el)
		return b.limiter
	}
	s.evict(sh, now)
	b := &bucket{key: key, limiter: rate.NewLimiter(s.limit, s.burst), lastSeen: now}
	sh.entries[key] = sh.lru.PushFront(b)
	return b.limiter
}

// evict makes room for one more bucket in sh.
func (s *clientStore) evict(sh *storeShard, now time.Time) {
	for el := sh.lru.Back(); el != nil; el = sh.lru.Back() {
		b := el.Value.(*bucket)
		if len(sh.entries) < s.perShard && now.Sub(b.lastSeen) < s.fullAfter {
			return
		}
		sh.lru.Remove(el)
		delete(sh.entries, b.key)
	}
}

// len returns the number of stored buckets.
func (s *clientStore) len() int {
	n := 0
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.Lock()
		n += len(sh.entries)
		sh.mu.Unlock()
	}
	return n
}
