package compplan

// unilevel pays the unilevel bonus: up to L levels of (compressed)
// uplines above every source.
func (r *Result) unilevel(bi int, b *Bonus) {
	t := r.tree
	L := len(b.Levels)
	req := make([]int8, L)
	for k, l := range b.Levels {
		req[k] = max(l.minRank, r.minRank[bi])
	}
	// One 8-byte record per upline, so a hop up the tree touches one
	// cache line: the next upline (parent, or nearest active ancestor
	// under dynamic compression), rank, gate flags and activity.
	type upline struct {
		next   int32
		paid   int8
		gate   uint8
		active bool
	}
	up := make([]upline, t.n)
	for i := range t.n {
		nx := t.parent[i]
		if b.Compression == CompressionDynamic && nx >= 0 && !r.active[nx] {
			nx = up[nx].next
		}
		up[i] = upline{next: nx, paid: r.paid[i], gate: r.gate[i], active: r.active[i]}
	}
	rates := make([]Rate, L)
	for k := range b.Levels {
		rates[k] = b.Levels[k].Rate
	}
	one := Rate{1, 1}
	// Each hop up is a dependent read, a cache miss on a large tree, so
	// the walks of uniLanes sources advance in lockstep: their misses
	// overlap. A source's lines wait in its lane (at most L, as each line
	// uses a level) and are emitted in source order.
	type hit struct {
		a      int32
		meta   uint32
		amount int64
	}
	r.parallelSources(bi, func(from, to int, lines *lineStore, earn []int64) {
		hits := make([]hit, uniLanes*L)
		var (
			src, cur [uniLanes]int32
			lk, nh   [uniLanes]int
			basis    [uniLanes]int64
		)
		for s := from; s < to; {
			m := 0
			for ; s < to && m < uniLanes; s++ {
				v := r.basisVol(b, s)
				if v <= 0 || !b.PayInactiveSellers && !up[s].active {
					continue
				}
				src[m], cur[m], lk[m], nh[m], basis[m] = int32(s), up[s].next, 1, 0, v
				m++
			}
			for live := true; live; {
				live = false
				for g := range m {
					a, k := cur[g], lk[g]
					if a < 0 || k > L {
						continue
					}
					live = true
					u := up[a]
					cur[g] = u.next
					if !u.active {
						lk[g]++ // no compression: the level is used up and its share is breakage
						continue
					}
					if u.paid < req[k-1] {
						if !b.PassUpUnqualified {
							lk[g]++ // occupies the level and forgoes it
						}
						continue
					}
					if rate := rates[k-1]; rate.Num != 0 {
						amount := MulRound(basis[g], rate, one)
						if u.gate != 0 {
							amount = 0
						}
						hits[g*L+nh[g]] = hit{a: a, meta: packMeta(bi, k, 0) | uint32(u.gate)<<16, amount: amount}
						nh[g]++
						if earn != nil {
							earn[a] += amount // here, its miss overlaps the other lanes'
						}
					}
					lk[g]++
				}
			}
			for g := range m {
				for _, h := range hits[g*L : g*L+nh[g]] {
					lines.add(h.a, src[g], h.amount, h.meta)
				}
			}
		}
	})
}

// uniLanes is how many unilevel walks advance together.
const uniLanes = 8
