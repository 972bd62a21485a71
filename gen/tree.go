package gen

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
	"time"
)

// Status is a distributor's agreement status.
type Status uint8

// The statuses, as written in distributors.csv.
const (
	StatusActive Status = iota
	StatusSuspended
	StatusTerminated
)

// String returns the CSV spelling: active, suspended or terminated.
func (s Status) String() string {
	switch s {
	case StatusActive:
		return "active"
	case StatusSuspended:
		return "suspended"
	case StatusTerminated:
		return "terminated"
	}
	return fmt.Sprintf("Status(%d)", uint8(s))
}

// Shares of distributors (other than the root) who are terminated or
// suspended; they never sell.
const (
	terminatedShare = 0.005
	suspendedShare  = 0.01
)

// Tree is the compact form of the generated genealogy: one entry per
// distributor, indexed 0..n-1 in joining order. Distributor index i has ID
// i+1; a sponsor's index is always below its recruits' indices, and so is a
// placement parent's.
type Tree struct {
	// Sponsor is the sponsor's index, or -1 for the root (index 0).
	Sponsor []int32
	// JoinedDay is the joining date in days since 1970-01-01 (UTC).
	JoinedDay []int32
	// Status is the agreement status.
	Status []Status
	// Parent is the placement parent's index, -1 for the root; nil when
	// the programme has no placement tree.
	Parent []int32
	// Side is 'L' or 'R' (0 for the root); nil when there is no placement.
	Side []byte
}

// Len returns the number of distributors.
func (t *Tree) Len() int { return len(t.Sponsor) }

// Distributor is one row of distributors.csv.
type Distributor struct {
	// ID is the distributor's ID, 1..n, in joining order.
	ID int64
	// SponsorID is the sponsor's ID, 0 for the root.
	SponsorID int64
	// JoinedAt is the joining date (midnight UTC).
	JoinedAt time.Time
	// Status is the agreement status.
	Status Status
	// PlacementParentID is the placement parent's ID, 0 for the root or
	// when there is no placement tree.
	PlacementParentID int64
	// PlacementSide is 'L' or 'R', or 0 when there is no placement.
	PlacementSide byte
}

// Distributor returns the row of the distributor at index i.
func (t *Tree) Distributor(i int) Distributor {
	d := Distributor{
		ID:        int64(i) + 1,
		SponsorID: int64(t.Sponsor[i]) + 1,
		JoinedAt:  time.Unix(int64(t.JoinedDay[i])*86400, 0).UTC(),
		Status:    t.Status[i],
	}
	if t.Parent != nil {
		d.PlacementParentID = int64(t.Parent[i]) + 1
		d.PlacementSide = t.Side[i]
	}
	return d
}

// Depth returns the sponsor depth of every distributor (the root is 0) and
// the largest depth.
func (t *Tree) Depth() (depth []int32, max int32) {
	depth = make([]int32, len(t.Sponsor))
	for i := 1; i < len(depth); i++ {
		depth[i] = depth[t.Sponsor[i]] + 1
		if depth[i] > max {
			max = depth[i]
		}
	}
	return depth, max
}

// treeStream is the second PCG seed word of the tree's random stream;
// order streams use the distributor index, which is always smaller.
const treeStream = 1 << 62

// buildTree grows the sponsor tree, statuses, join dates and, when asked,
// the placement tree.
func buildTree(c Config, firstDay, lastDay int32) *Tree {
	n := c.Distributors
	r := rand.New(rand.NewPCG(c.Seed, treeStream))
	t := &Tree{
		Sponsor:   make([]int32, n),
		JoinedDay: make([]int32, n),
		Status:    make([]Status, n),
	}
	t.Sponsor[0] = -1
	var pa attachment
	if c.Shape == ShapePA || c.Shape == ShapeDeep || c.Shape == ShapeBinarySpill {
		pa.targets = make([]int32, 1, 2*n)
	}
	var tips [chainTips]int32
	var tipLen [chainTips]int32
	for k := range tips {
		tips[k] = -1
	}
	for i := 1; i < n; i++ {
		var s int32
		switch c.Shape {
		case ShapePA, ShapeBinarySpill:
			s = pa.pick(r)
		case ShapeUniform:
			s = int32(r.IntN(i))
		case ShapeDeep:
			if r.Float64() < 0.25 {
				k := r.IntN(chainTips)
				if tips[k] < 0 || tipLen[k] >= maxChain {
					tips[k], tipLen[k] = pa.pick(r), 0
				}
				s = tips[k]
				tips[k] = int32(i)
				tipLen[k]++
			} else {
				s = pa.pick(r)
			}
		case ShapeChain:
			s = int32(i - 1)
		case ShapeStar:
			s = 0
		}
		t.Sponsor[i] = s
		if pa.targets != nil {
			pa.targets = append(pa.targets, int32(i), s)
		}
		switch u := r.Float64(); {
		case u < terminatedShare:
			t.Status[i] = StatusTerminated
		case u < terminatedShare+suspendedShare:
			t.Status[i] = StatusSuspended
		}
	}
	span := int64(lastDay - firstDay)
	for i := range n {
		t.JoinedDay[i] = firstDay
		if n > 1 {
			t.JoinedDay[i] += int32(int64(i) * span / int64(n-1))
		}
	}
	if c.Placement {
		t.Parent, t.Side = place(t.Sponsor)
	}
	return t
}

// attachment draws sponsors by preferential attachment: targets holds every
// distributor once plus once more per recruit, so a uniform draw from it
// picks a distributor with probability proportional to 1 + frontline size.
type attachment struct{ targets []int32 }

func (a *attachment) pick(r *rand.Rand) int32 {
	return a.targets[r.IntN(len(a.targets))]
}

// place builds the binary placement tree: each distributor, in joining
// order, takes the first free seat in breadth-first order (left before
// right) of the placement subtree under its sponsor's seat.
//
// Breadth-first order under a seat x is heap order: x is position 1 and
// position p has children 2p (left) and 2p+1 (right). cursor[x] is the
// smallest position under x that may be free; every position below it is
// taken, and seats are never freed, so the search resumes there and each
// probe walks down from x along the bits of p. The parent of a probed
// position always exists because its position is smaller.
func place(sponsor []int32) (parent []int32, side []byte) {
	n := len(sponsor)
	parent = make([]int32, n)
	side = make([]byte, n)
	left := make([]int32, n)
	right := make([]int32, n)
	cursor := make([]uint32, n)
	for i := range n {
		left[i], right[i] = -1, -1
		cursor[i] = 2
	}
	parent[0] = -1
	for i := 1; i < n; i++ {
		x := sponsor[i]
		for p := cursor[x]; ; p++ {
			node := x
			steps := bits.Len32(p) - 1
			for b := steps - 1; b >= 1; b-- {
				if p>>b&1 == 0 {
					node = left[node]
				} else {
					node = right[node]
				}
			}
			if p&1 == 0 && left[node] < 0 {
				left[node], parent[i], side[i] = int32(i), node, 'L'
				cursor[x] = p + 1
				break
			}
			if p&1 == 1 && right[node] < 0 {
				right[node], parent[i], side[i] = int32(i), node, 'R'
				cursor[x] = p + 1
				break
			}
		}
	}
	return parent, side
}
