package compplan

// Lines are stored as compact columnar records in fixed-size chunks, so
// that tens of millions of them cost 20 bytes each and never move once
// written. Basis and rate are not stored: they are derived from the
// bonus, the earner and the source (see Result.Line), and explanations
// are rendered on demand.

const (
	chunkBits = 16
	chunkSize = 1 << chunkBits
)

// Line flags.
const (
	flagCap   = 1 << iota // per-distributor cap adjustment line
	flagTX06              // withheld: TX-06 minimum active customers not met
	flagTX04              // withheld: TX-04 customer share not above the minimum
	flagScale             // scaled by the TX-08 payout cap
	flagSelf              // stair-step own-volume line
	flagQual              // withheld: bonus qualification (binary legs) not met
)

type lineChunk struct {
	earner [chunkSize]int32
	source [chunkSize]int32
	amount [chunkSize]int64
	meta   [chunkSize]uint32 // bonus | level<<8 | flags<<16
}

type lineStore struct {
	chunks []*lineChunk
	n      int
}

func packMeta(bonus, level, flags int) uint32 {
	return uint32(bonus) | uint32(level)<<8 | uint32(flags)<<16
}

func (m *lineStore) add(earner, source int32, amount int64, meta uint32) {
	c := m.n >> chunkBits
	if c == len(m.chunks) {
		m.chunks = append(m.chunks, new(lineChunk))
	}
	ch := m.chunks[c]
	j := m.n & (chunkSize - 1)
	ch.earner[j] = earner
	ch.source[j] = source
	ch.amount[j] = amount
	ch.meta[j] = meta
	m.n++
}

func (m *lineStore) at(i int) (earner, source int32, amount int64, meta uint32) {
	ch := m.chunks[i>>chunkBits]
	j := i & (chunkSize - 1)
	return ch.earner[j], ch.source[j], ch.amount[j], ch.meta[j]
}

func (m *lineStore) setAmount(i int, v int64) {
	m.chunks[i>>chunkBits].amount[i&(chunkSize-1)] = v
}

func (m *lineStore) setMeta(i int, v uint32) {
	m.chunks[i>>chunkBits].meta[i&(chunkSize-1)] = v
}
