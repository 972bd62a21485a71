package compplan

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"runtime"
	"sync"
)

// Hash returns the canonical SHA-256 of the result. The encoding (version
// "downline-result/2") is, all integers little-endian:
//
//	header: "downline-result/2\n" plan-id "\n" plan-version "\n" period "\n"
//	        u64 distributors, u64 lines, u64 bonuses
//	the SHA-256 digest of each block of 65536 distributors, in the
//	  canonical order of Tree (ascending ID when every sponsor's ID is
//	  smaller than its recruits', else breadth-first with roots and
//	  siblings by ascending ID), each distributor encoded as
//	  i64 id, i64 sponsor id (0 for a root), i64 CuV, RPCV, PV, GV,
//	  u8 active, u8 paid-as rank, u8 title rank, u8 withheld-gate flags,
//	  i64 binary left, right, matched, carry-left, carry-right (0 without a binary bonus),
//	  i64 earnings per bonus in plan order
//	the SHA-256 digest of each block of 65536 lines, in line order, each
//	  encoded as u32 earner index, u32 source index (positions in the
//	  distributor section above, so IDs need no second lookup), u8 bonus
//	  index, u8 compressed level, u8 flags, i64 amount
//	i64 total per bonus in plan order, i64 total, i64 total CV,
//	  i64 scale numerator, i64 scale denominator
//	only when the plan runs TX-07: i64 company revenue, CuV, RPCV, u8
//	  fired, u8 scaled-by (1 TX-07, 2 TX-08, 3 both)
//
// Blocks are hashed in parallel, so the digest is the same for any
// GOMAXPROCS and any input order. Basis, rate and explanation are derived
// from the hashed fields and the plan, so they are covered.
func (r *Result) Hash() [32]byte {
	nd := r.tree.n
	nb := len(r.plan.Bonuses)
	dBlocks := (nd + hashBlock - 1) / hashBlock
	lBlocks := (r.lines.n + hashBlock - 1) / hashBlock
	digests := make([][32]byte, dBlocks+lBlocks)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), dBlocks+lBlocks) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 0, 1<<16)
			for k := range jobs {
				h := sha256.New()
				if k < dBlocks {
					r.hashDistributors(h.Write, &buf, k*hashBlock, min((k+1)*hashBlock, nd))
				} else {
					c := k - dBlocks
					r.hashLines(h.Write, &buf, c*hashBlock, min((c+1)*hashBlock, r.lines.n))
				}
				h.Sum(digests[k][:0])
			}
		}()
	}
	for k := range digests {
		jobs <- k
	}
	close(jobs)
	wg.Wait()

	h := sha256.New()
	h.Write([]byte("downline-result/2\n" + r.plan.ID + "\n" + r.plan.Version + "\n" + r.period.Name + "\n"))
	var b []byte
	b = binary.LittleEndian.AppendUint64(b, uint64(nd))
	b = binary.LittleEndian.AppendUint64(b, uint64(r.lines.n))
	b = binary.LittleEndian.AppendUint64(b, uint64(nb))
	h.Write(b)
	for _, d := range digests {
		h.Write(d[:])
	}
	b = b[:0]
	for _, v := range r.totals {
		b = binary.LittleEndian.AppendUint64(b, uint64(v))
	}
	for _, v := range []int64{r.total, r.totalCV, r.scale.Num, r.scale.Den} {
		b = binary.LittleEndian.AppendUint64(b, uint64(v))
	}
	if c := r.company; c.Enabled {
		for _, v := range []int64{c.Revenue, c.CuV, c.RPCV} {
			b = binary.LittleEndian.AppendUint64(b, uint64(v))
		}
		var fired byte
		if c.Fired {
			fired = 1
		}
		b = append(b, fired, r.scaleBy)
	}
	h.Write(b)
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// HashHex returns Hash as lower-case hex.
func (r *Result) HashHex() string {
	h := r.Hash()
	return hex.EncodeToString(h[:])
}

func (r *Result) hashDistributors(write func([]byte) (int, error), buf *[]byte, from, to int) {
	t := r.tree
	le := binary.LittleEndian
	// Fixed-size records written in place: 6 i64, 4 u8, 5 i64 binary
	// figures, then one i64 per bonus.
	size := 6*8 + 4 + 5*8 + 8*len(r.earn)
	per := max(1, (1<<15)/size)
	if cap(*buf) < per*size {
		*buf = make([]byte, 0, per*size)
	}
	b := (*buf)[:per*size]
	o := 0
	for i := from; i < to; i++ {
		var sp ID
		if p := t.parent[i]; p >= 0 {
			sp = t.ids[p]
		}
		rec := b[o : o+size : o+size]
		le.PutUint64(rec[0:], uint64(t.ids[i]))
		le.PutUint64(rec[8:], uint64(sp))
		le.PutUint64(rec[16:], uint64(r.cuv[i]))
		le.PutUint64(rec[24:], uint64(r.rpcv[i]))
		le.PutUint64(rec[32:], uint64(r.pv[i]))
		le.PutUint64(rec[40:], uint64(r.gv[i]))
		var act byte
		if r.active[i] {
			act = 1
		}
		rec[48], rec[49], rec[50], rec[51] = act, byte(r.paid[i]), byte(r.title[i]), r.gate[i]
		var bl, br, bm, cl, cr int64
		if r.binL != nil {
			bl, br, bm, cl, cr = r.binL[i], r.binR[i], r.matched[i], r.carryL[i], r.carryR[i]
		}
		le.PutUint64(rec[52:], uint64(bl))
		le.PutUint64(rec[60:], uint64(br))
		le.PutUint64(rec[68:], uint64(bm))
		le.PutUint64(rec[76:], uint64(cl))
		le.PutUint64(rec[84:], uint64(cr))
		for bi := range r.earn {
			le.PutUint64(rec[92+8*bi:], uint64(r.earn[bi][i]))
		}
		o += size
		if o == len(b) {
			write(b)
			o = 0
		}
	}
	write(b[:o])
	*buf = b[:0]
}

func (r *Result) hashLines(write func([]byte) (int, error), buf *[]byte, from, to int) {
	le := binary.LittleEndian
	b := (*buf)[:0]
	r.lines.each(from, to, func(_ int, ch *lineChunk, k int) {
		b = le.AppendUint32(b, uint32(ch.earner[k]))
		b = le.AppendUint32(b, uint32(ch.source[k]))
		meta := ch.meta[k]
		b = append(b, byte(meta), byte(meta>>8), byte(meta>>16))
		b = le.AppendUint64(b, uint64(ch.amount[k]))
		if len(b) > 1<<15 {
			write(b)
			b = b[:0]
		}
	})
	write(b)
	*buf = b
}
