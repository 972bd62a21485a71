package compplan

import "sort"

// Lines are stored as compact columnar records in fixed-size chunks, so
// that tens of millions of them cost 20 bytes each and never move once
// written. Basis and rate are not stored: they are derived from the
// bonus, the earner and the source (see Result.Line), and explanations
// are rendered on demand. Stores filled in parallel are concatenated, so a
// chunk may be partly filled; ends locates a line.

const (
	firstChunk = 1 << 12 // lines in the first chunk; each next one doubles
	maxChunk   = 1 << 20 // up to this many lines (20 MB)
	hashBlock  = 1 << 16 // lines (or distributors) per hashed block
)

// Line flags.
const (
	flagCap   = 1 << iota // per-distributor cap adjustment line
	flagTX06              // withheld: TX-06 minimum active customers not met
	flagTX04              // withheld: TX-04 customer share not above the minimum
	flagScale             // scaled by the TX-08 payout cap
	flagGen               // stair-step generation (breakaway royalty) line
	flagQual              // withheld: bonus qualification (binary legs) not met
	flagTX05              // withheld: TX-05 sell-through below the minimum
	flagTX12              // withheld (or, with flagCap, capped): TX-12 jurisdiction (CN)
)

// flagWithheld are the flags that zero a multi-level line.
const flagWithheld = flagTX04 | flagTX05 | flagTX06 | flagTX12 | flagQual

type lineChunk struct {
	earner []int32
	source []int32
	amount []int64
	meta   []uint32 // bonus | level<<8 | flags<<16
}

type lineStore struct {
	chunks []*lineChunk
	ends   []int // ends[c]: global index just past chunk c's last line
	cur    *lineChunk
	curN   int
	n      int
}

func packMeta(bonus, level, flags int) uint32 {
	return uint32(bonus) | uint32(level)<<8 | uint32(flags)<<16
}

func (m *lineStore) add(earner, source int32, amount int64, meta uint32) {
	if m.cur == nil || m.curN == len(m.cur.meta) {
		size := firstChunk
		if m.cur != nil {
			size = min(2*len(m.cur.meta), maxChunk)
		}
		m.cur = newChunk(size)
		m.chunks = append(m.chunks, m.cur)
		m.ends = append(m.ends, m.n)
		m.curN = 0
	}
	ch, j := m.cur, m.curN
	ch.earner[j] = earner
	ch.source[j] = source
	ch.amount[j] = amount
	ch.meta[j] = meta
	m.curN++
	m.n++
	m.ends[len(m.ends)-1] = m.n
}

// appendStore moves o's lines to the end of m.
func (m *lineStore) appendStore(o *lineStore) {
	start := 0
	for c, ch := range o.chunks {
		cnt := o.ends[c] - start
		start = o.ends[c]
		m.chunks = append(m.chunks, ch)
		m.n += cnt
		m.ends = append(m.ends, m.n)
		m.cur, m.curN = ch, cnt
	}
}

// locate returns the chunk and offset of line i.
func (m *lineStore) locate(i int) (*lineChunk, int) {
	c := sort.SearchInts(m.ends, i+1)
	if c > 0 {
		return m.chunks[c], i - m.ends[c-1]
	}
	return m.chunks[0], i
}

func (m *lineStore) at(i int) (earner, source int32, amount int64, meta uint32) {
	ch, j := m.locate(i)
	return ch.earner[j], ch.source[j], ch.amount[j], ch.meta[j]
}

func (m *lineStore) setAmount(i int, v int64) {
	ch, j := m.locate(i)
	ch.amount[j] = v
}

func (m *lineStore) setMeta(i int, v uint32) {
	ch, j := m.locate(i)
	ch.meta[j] = v
}

// each calls f for lines [from, to) in order.
func (m *lineStore) each(from, to int, f func(j int, ch *lineChunk, k int)) {
	if from >= to {
		return
	}
	c := sort.SearchInts(m.ends, from+1)
	j := from
	for ; c < len(m.chunks) && j < to; c++ {
		base := 0
		if c > 0 {
			base = m.ends[c-1]
		}
		ch := m.chunks[c]
		for ; j < m.ends[c] && j < to; j++ {
			f(j, ch, j-base)
		}
	}
}

// newChunk allocates a chunk of size lines.
func newChunk(size int) *lineChunk {
	return &lineChunk{earner: make([]int32, size), source: make([]int32, size), amount: make([]int64, size), meta: make([]uint32, size)}
}
