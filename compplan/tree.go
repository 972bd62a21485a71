package compplan

import (
	"fmt"
	"slices"
)

// RecordError is bad input in one record of a Snapshot: Record is the
// index in Snapshot.Distributors (or Orders when Orders is true) and Field
// names the field. CSV readers map it to a file, line and column.
type RecordError struct {
	Orders bool
	Record int
	Field  string
	Err    error
}

func (e *RecordError) Error() string {
	what := "distributor"
	if e.Orders {
		what = "order"
	}
	return fmt.Sprintf("%s record %d: %s: %v", what, e.Record, e.Field, e.Err)
}

func (e *RecordError) Unwrap() error { return e.Err }

// Tree is the validated genealogy in the engine's columnar form: dense
// int32 indices in the canonical order, in which every sponsor comes before
// its recruits. The canonical order is ascending ID when every sponsor has
// a smaller ID than its recruits (as IDs handed out in joining order do);
// otherwise it is breadth-first over the sponsor tree, roots and siblings
// by ascending ID. Build it once per period with NewTree.
type Tree struct {
	n          int
	ids        []ID
	rec        []int32 // index → input record, while building
	parent     []int32 // -1 for a root
	depth      []int32
	childStart []int32 // n+1 offsets into kids
	kids       []int32 // children of i: kids[childStart[i]:childStart[i+1]], ascending
	joined     []int64 // unix seconds
	status     []Status
	lookup     idLookup
	// jx lists, ascending, the indices of distributors with a jurisdiction
	// other than JurisdictionOther, and jxCode their jurisdictions: sparse,
	// because almost every programme has few.
	jx     []int32
	jxCode []Jurisdiction

	// Placement (binary) tree, in the same index space.
	hasPlacement bool
	pparent      []int32 // -1 when not placed
	pside        []Side
	pchild       [][2]int32 // left, right; -1 when empty
	porder       []int32    // placement parents before children
}

// Len returns the number of distributors.
func (t *Tree) Len() int { return t.n }

// ID returns the ID of index i.
func (t *Tree) ID(i int) ID { return t.ids[i] }

// Index returns the index of id.
func (t *Tree) Index(id ID) (int, bool) {
	k := t.lookup.find(id)
	return int(k), k >= 0
}

// Jurisdiction returns the jurisdiction of index i.
func (t *Tree) Jurisdiction(i int) Jurisdiction {
	if k, ok := slices.BinarySearch(t.jx, int32(i)); ok {
		return t.jxCode[k]
	}
	return JurisdictionOther
}

// Parent returns the sponsor index of i, or -1 for a root.
func (t *Tree) Parent(i int) int { return int(t.parent[i]) }

// Children returns the indices of i's frontline, ascending. The slice is
// shared and must not be modified.
func (t *Tree) Children(i int) []int32 {
	return t.kids[t.childStart[i]:t.childStart[i+1]]
}

// idLookup maps IDs to indices: a dense table when IDs are compact,
// otherwise binary search over sorted IDs.
type idLookup struct {
	dense  []int32 // id → index, -1 absent
	sorted []ID
	index  []int32 // parallel to sorted
}

func (l *idLookup) find(id ID) int32 {
	if l.dense != nil {
		if id <= 0 || int64(id) >= int64(len(l.dense)) {
			return -1
		}
		return l.dense[id]
	}
	k, ok := slices.BinarySearch(l.sorted, id)
	if !ok {
		return -1
	}
	return l.index[k]
}

// NewTree validates the distributors (positive unique IDs, known sponsors,
// no sponsor or placement cycles, at most one child per placement side)
// and builds the columnar tree. Errors are *RecordError.
func NewTree(ds []Distributor) (*Tree, error) {
	n := len(ds)
	if n >= 1<<31-1 {
		return nil, fmt.Errorf("too many distributors: %d", n)
	}
	// Sort input records by ID (radix sort; skipped when already sorted).
	order := make([]int32, n) // sorted position → record
	sorted := true
	var maxID ID
	for i := range ds {
		order[i] = int32(i)
		id := ds[i].ID
		if id <= 0 {
			return nil, &RecordError{Record: i, Field: "id", Err: fmt.Errorf("id %d is not a positive integer", id)}
		}
		if i > 0 && id < ds[i-1].ID {
			sorted = false
		}
		maxID = max(maxID, id)
	}
	if !sorted {
		radixSortByID(order, ds, maxID)
	}
	sortedIDs := make([]ID, n)
	for k, r := range order {
		sortedIDs[k] = ds[r].ID
		if k > 0 && sortedIDs[k] == sortedIDs[k-1] {
			return nil, &RecordError{Record: int(r), Field: "id", Err: fmt.Errorf("duplicate id %d", ds[r].ID)}
		}
	}
	// Lookup from ID to sorted position, then to final index.
	var sl idLookup
	if int64(maxID) <= 4*int64(n)+1024 {
		sl.dense = make([]int32, int64(maxID)+1)
		for i := range sl.dense {
			sl.dense[i] = -1
		}
		for k, id := range sortedIDs {
			sl.dense[id] = int32(k)
		}
	} else {
		sl.sorted = sortedIDs
		sl.index = make([]int32, n)
		for k := range sl.index {
			sl.index[k] = int32(k)
		}
	}
	// Sponsor in sorted space.
	sp := make([]int32, n)
	topo := true
	for k, r := range order {
		s := ds[r].Sponsor
		if s == 0 {
			sp[k] = -1
			continue
		}
		p := sl.find(s)
		if p < 0 {
			return nil, &RecordError{Record: int(r), Field: "sponsor_id", Err: fmt.Errorf("unknown sponsor %d", s)}
		}
		if p == int32(k) {
			return nil, &RecordError{Record: int(r), Field: "sponsor_id", Err: fmt.Errorf("distributor %d sponsors itself", s)}
		}
		sp[k] = p
		topo = topo && p < int32(k)
	}
	t := &Tree{n: n}
	var pos []int32 // sorted position → index; nil when they are the same
	var bfs []int32 // index → sorted position; nil when they are the same
	if !topo {
		var err error
		if bfs, err = breadthFirst(sp, order, sortedIDs); err != nil {
			return nil, err
		}
		pos = make([]int32, n)
		for i, k := range bfs {
			pos[k] = int32(i)
		}
	}
	t.ids = make([]ID, n)
	t.rec = make([]int32, n)
	t.parent = make([]int32, n)
	t.depth = make([]int32, n)
	t.joined = make([]int64, n)
	t.status = make([]Status, n)
	t.childStart = make([]int32, n+1)
	for i := range n {
		k := int32(i)
		if bfs != nil {
			k = bfs[i]
		}
		r := order[k]
		d := &ds[r]
		t.ids[i] = d.ID
		t.rec[i] = r
		t.status[i] = d.Status
		if d.Jurisdiction != JurisdictionOther {
			t.jx = append(t.jx, int32(i))
			t.jxCode = append(t.jxCode, d.Jurisdiction)
		}
		if !d.JoinedAt.IsZero() {
			t.joined[i] = d.JoinedAt.Unix()
		}
		p := sp[k]
		if p >= 0 && pos != nil {
			p = pos[p]
		}
		t.parent[i] = p
		if p >= 0 {
			t.depth[i] = t.depth[p] + 1
			t.childStart[p+1]++
		}
	}
	sp = nil
	for i := 1; i <= n; i++ {
		t.childStart[i] += t.childStart[i-1]
	}
	t.kids = make([]int32, n)
	fill := make([]int32, n)
	copy(fill, t.childStart[:n])
	for i, p := range t.parent {
		if p >= 0 {
			t.kids[fill[p]] = int32(i)
			fill[p]++
		}
	}
	fill = nil
	// Final lookup: ID → index.
	if pos != nil {
		if sl.dense != nil {
			for id, k := range sl.dense {
				if k >= 0 {
					sl.dense[id] = pos[k]
				}
			}
		} else {
			for k := range sl.index {
				sl.index[k] = pos[k]
			}
		}
	}
	t.lookup = sl
	if err := t.buildPlacement(ds); err != nil {
		return nil, err
	}
	t.rec = nil // only error messages need it
	return t, nil
}

func (t *Tree) buildPlacement(ds []Distributor) error {
	for i := range t.n {
		if ds[t.rec[i]].Placement != 0 {
			t.hasPlacement = true
			break
		}
	}
	if !t.hasPlacement {
		return nil
	}
	n := t.n
	t.pparent = make([]int32, n)
	t.pside = make([]Side, n)
	t.pchild = make([][2]int32, n)
	for i := range t.pchild {
		t.pchild[i] = [2]int32{-1, -1}
	}
	for i := range n {
		r := t.rec[i]
		d := &ds[r]
		t.pparent[i] = -1
		if d.Placement == 0 {
			continue
		}
		p := t.lookup.find(d.Placement)
		if p < 0 {
			return &RecordError{Record: int(r), Field: "placement_parent_id", Err: fmt.Errorf("unknown placement parent %d", d.Placement)}
		}
		if p == int32(i) {
			return &RecordError{Record: int(r), Field: "placement_parent_id", Err: fmt.Errorf("distributor %d is placed under itself", d.ID)}
		}
		if d.Side != SideLeft && d.Side != SideRight {
			return &RecordError{Record: int(r), Field: "placement_side", Err: fmt.Errorf("placement side must be L or R")}
		}
		s := int(d.Side) - 1
		if c := t.pchild[p][s]; c >= 0 {
			other := t.ids[c]
			a, b := min(other, d.ID), max(other, d.ID)
			return &RecordError{Record: int(r), Field: "placement_side", Err: fmt.Errorf("distributors %d and %d are both placed on the same side of %d", a, b, d.Placement)}
		}
		t.pchild[p][s] = int32(i)
		t.pparent[i] = p
		t.pside[i] = d.Side
	}
	t.porder = make([]int32, 0, n)
	for i := range n {
		if t.pparent[i] < 0 {
			t.porder = append(t.porder, int32(i))
		}
	}
	for j := 0; j < len(t.porder); j++ {
		for _, c := range t.pchild[t.porder[j]] {
			if c >= 0 {
				t.porder = append(t.porder, c)
			}
		}
	}
	if len(t.porder) < n {
		seen := make([]bool, n)
		for _, i := range t.porder {
			seen[i] = true
		}
		for i := range n {
			if !seen[i] {
				return &RecordError{Record: int(t.rec[i]), Field: "placement_parent_id", Err: fmt.Errorf("placement cycle through distributor %d", t.ids[i])}
			}
		}
	}
	return nil
}

// breadthFirst returns the breadth-first order (index → sorted position)
// of the sponsor forest given by sp in sorted space, or an error naming a
// distributor on a sponsor cycle.
func breadthFirst(sp, order []int32, sortedIDs []ID) ([]int32, error) {
	n := len(sp)
	start := make([]int32, n+1)
	for _, p := range sp {
		if p >= 0 {
			start[p+1]++
		}
	}
	for k := 1; k <= n; k++ {
		start[k] += start[k-1]
	}
	kids := make([]int32, n)
	fill := slices.Clone(start[:n])
	for k, p := range sp {
		if p >= 0 {
			kids[fill[p]] = int32(k)
			fill[p]++
		}
	}
	bfs := make([]int32, 0, n)
	for k, p := range sp {
		if p < 0 {
			bfs = append(bfs, int32(k))
		}
	}
	for i := 0; i < len(bfs); i++ {
		k := bfs[i]
		bfs = append(bfs, kids[start[k]:start[k+1]]...)
	}
	if len(bfs) < n {
		seen := make([]bool, n)
		for _, k := range bfs {
			seen[k] = true
		}
		for k := range n {
			if !seen[k] {
				return nil, &RecordError{Record: int(order[k]), Field: "sponsor_id", Err: fmt.Errorf("sponsor cycle through distributor %d", sortedIDs[k])}
			}
		}
	}
	return bfs, nil
}

// radixSortByID sorts order (record indices) by ds[record].ID, stable.
func radixSortByID(order []int32, ds []Distributor, maxID ID) {
	n := len(order)
	keys := make([]uint64, n)
	for i, r := range order {
		keys[i] = uint64(ds[r].ID)
	}
	tmpK := make([]uint64, n)
	tmpO := make([]int32, n)
	for shift := uint(0); shift < 64 && (uint64(maxID)>>shift) > 0; shift += 11 {
		var cnt [2049]int
		for _, k := range keys {
			cnt[(k>>shift)&2047+1]++
		}
		for b := 1; b < len(cnt); b++ {
			cnt[b] += cnt[b-1]
		}
		for i, k := range keys {
			b := (k >> shift) & 2047
			tmpK[cnt[b]] = k
			tmpO[cnt[b]] = order[i]
			cnt[b]++
		}
		keys, tmpK = tmpK, keys
		copy(order, tmpO)
	}
}
