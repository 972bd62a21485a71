package http

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/downline/downline"
)

// memberPage is a page of a subtree. It has no total: counting a large
// subtree would cost what paging saves.
type memberPage struct {
	Items      []memberJSON `json:"items"`
	NextCursor string       `json:"next_cursor,omitempty"`
}

// subtreeWalk pages through the subtree below root in depth-first
// preorder, siblings by ascending id, down to maxDepth levels. Each step
// reads the next sibling or first child with an indexed query (children
// are fetched in batches), so a page costs about as many small queries as
// it has members, however large the subtree: the cost does not grow with
// the tree.
type subtreeWalk struct {
	ds       downline.DistributorService
	root     downline.DistributorID
	maxDepth int
	batch    int
	// path holds the last member emitted and its ancestors below root.
	path []*downline.Distributor
	// next buffers children fetched ahead, by parent.
	next map[downline.DistributorID][]*downline.Distributor
}

// child returns parent's first child after id `after`, or nil.
func (w *subtreeWalk) child(ctx context.Context, parent, after downline.DistributorID) (*downline.Distributor, error) {
	buf := w.next[parent]
	for len(buf) > 0 && buf[0].ID <= after {
		buf = buf[1:]
	}
	if len(buf) == 0 {
		var err error
		buf, _, err = w.ds.FindDistributors(ctx, downline.DistributorFilter{SponsorID: &parent, AfterID: after, Limit: w.batch})
		if err != nil {
			return nil, err
		}
	}
	if len(buf) == 0 {
		w.next[parent] = nil
		return nil, nil
	}
	w.next[parent] = buf[1:]
	return buf[0], nil
}

// step emits the next member in preorder, or nil at the end.
func (w *subtreeWalk) step(ctx context.Context) (*downline.Distributor, error) {
	parentOf := func(depth int) downline.DistributorID {
		if depth == 0 {
			return w.root
		}
		return w.path[depth-1].ID
	}
	if len(w.path) < w.maxDepth {
		c, err := w.child(ctx, parentOf(len(w.path)), 0)
		if err != nil || c != nil {
			if c != nil {
				w.path = append(w.path, c)
			}
			return c, err
		}
	}
	for len(w.path) > 0 {
		last := w.path[len(w.path)-1]
		w.path = w.path[:len(w.path)-1]
		s, err := w.child(ctx, parentOf(len(w.path)), last.ID)
		if err != nil {
			return nil, err
		}
		if s != nil {
			w.path = append(w.path, s)
			return s, nil
		}
	}
	return nil, nil
}

// cursor encodes the path of the last member emitted: ids joined by ".".
func (w *subtreeWalk) cursor() string {
	ids := make([]string, len(w.path))
	for i, d := range w.path {
		ids[i] = idString(int64(d.ID))
	}
	return strings.Join(ids, ".")
}

// resume restores the path from a cursor, checking that it is a chain of
// sponsorships starting below root, so that a forged cursor cannot lead
// the walk out of the subtree.
func (w *subtreeWalk) resume(ctx context.Context, cursor string) error {
	bad := downline.Errorf(downline.CodeInvalid, "query parameter cursor: not a cursor from a previous page")
	parts := strings.Split(cursor, ".")
	if len(parts) > w.maxDepth {
		return bad
	}
	parent := w.root
	for _, p := range parts {
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil || n <= 0 {
			return bad
		}
		d, err := w.ds.FindDistributorByID(ctx, downline.DistributorID(n))
		if downline.ErrorCode(err) == downline.CodeNotFound || err == nil && d.SponsorID != parent {
			return bad
		}
		if err != nil {
			return err
		}
		w.path = append(w.path, d)
		parent = d.ID
	}
	return nil
}

// handleAPIGenealogyDownline pages through the subtree below a distributor
// to a depth (1 to 10, default 3), depth-first with siblings by id. Each
// member is shown as the viewer may see it (DP-02 tiers for distributors).
func (s *Server) handleAPIGenealogyDownline(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "distributor")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	_, up, err := s.authorizeDistributor(r, downline.PermGenealogyRead, downline.DistributorID(id))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	depth, limit, err := subtreeParams(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v, err := s.newViewer(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if _, err := s.Distributors.FindDistributorByID(r.Context(), downline.DistributorID(id)); err != nil {
		s.writeError(w, r, err)
		return
	}
	base := 0
	if !v.staff() {
		base = v.actor.DepthBelow(downline.DistributorID(id), up)
	}
	walk := &subtreeWalk{ds: s.Distributors, root: downline.DistributorID(id), maxDepth: depth, batch: limit + 1,
		next: map[downline.DistributorID][]*downline.Distributor{}}
	if c := r.URL.Query().Get("cursor"); c != "" {
		if err := walk.resume(r.Context(), c); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	out := memberPage{Items: []memberJSON{}}
	for len(out.Items) < limit {
		d, err := walk.step(r.Context())
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if d == nil {
			break
		}
		out.Items = append(out.Items, v.member(d, base+len(walk.path)))
	}
	if len(out.Items) == limit {
		out.NextCursor = walk.cursor()
	}
	if err := s.allowHarvest(r, v, len(out.Items)); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// subtreeParams reads depth (1 to 10, default 3) and limit.
func subtreeParams(r *http.Request) (depth, limit int, err error) {
	depth = 3
	if v := r.URL.Query().Get("depth"); v != "" {
		if depth, err = strconv.Atoi(v); err != nil || depth < 1 || depth > 10 {
			return 0, 0, downline.Errorf(downline.CodeInvalid, "query parameter depth: must be an integer from 1 to 10")
		}
	}
	_, limit, err = pageParams(withoutCursor(r))
	return depth, limit, err
}
