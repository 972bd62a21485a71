package http

import (
	"fmt"
	"html/template"
	"strings"
)

// treeSVG draws the team as a tidy layered tree: the viewer on top, each
// level a row, leaves spread evenly and parents centred over their
// children. Active members are filled, inactive ones grey. Only shape is
// drawn, so the picture reveals nothing DP-02 hides.
func treeSVG(roots []*teamNode, maxDepth int) template.HTML {
	type placed struct {
		x     float64
		depth int
		n     *teamNode
		px    float64
	}
	var out []placed
	leaf := 0
	var place func(n *teamNode, depth int) float64
	place = func(n *teamNode, depth int) float64 {
		var xs []float64
		if depth < maxDepth {
			for _, c := range n.Children {
				xs = append(xs, place(c, depth+1))
			}
		}
		var x float64
		if len(xs) == 0 {
			x = float64(leaf)
			leaf++
		} else {
			x = (xs[0] + xs[len(xs)-1]) / 2
		}
		out = append(out, placed{x: x, depth: depth, n: n})
		return x
	}
	var rootXs []float64
	for _, r := range roots {
		rootXs = append(rootXs, place(r, 1))
	}
	if leaf == 0 {
		return ""
	}
	const w, rowH, top = 900.0, 70.0, 20.0
	step := w / float64(leaf+1)
	X := func(x float64) float64 { return step * (x + 1) }
	selfX := w / 2
	if len(rootXs) > 0 {
		selfX = X((rootXs[0] + rootXs[len(rootXs)-1]) / 2)
	}
	h := top*2 + rowH*float64(maxDepth)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="tree" viewBox="0 0 %.0f %.0f" role="img" aria-label="Team tree: %d members on %d levels"><title>Team tree</title>`, w, h, len(out), maxDepth)
	// Edges first, so nodes sit on top; each node knows its parent by the
	// order of placement (children are placed before their parent).
	pos := map[*teamNode]float64{}
	for _, p := range out {
		pos[p.n] = X(p.x)
	}
	var edges func(n *teamNode, depth int, x float64)
	edges = func(n *teamNode, depth int, x float64) {
		if depth >= maxDepth {
			return
		}
		for _, c := range n.Children {
			cx := pos[c]
			y1, y2 := top+rowH*float64(depth), top+rowH*float64(depth+1)
			fmt.Fprintf(&b, `<path class="edge" d="M%.1f %.1f C%.1f %.1f %.1f %.1f %.1f %.1f"/>`, x, y1, x, (y1+y2)/2, cx, (y1+y2)/2, cx, y2)
			edges(c, depth+1, cx)
		}
	}
	for _, r := range roots {
		cx := pos[r]
		fmt.Fprintf(&b, `<path class="edge" d="M%.1f %.1f C%.1f %.1f %.1f %.1f %.1f %.1f"/>`, selfX, top, selfX, top+rowH/2, cx, top+rowH/2, cx, top+rowH)
		edges(r, 1, cx)
	}
	r := min(7.0, max(2.0, step/2.5))
	for _, p := range out {
		cls := "node"
		if p.n.HasFigure && !p.n.Active {
			cls += " inactive"
		}
		label := p.n.Ref
		if p.n.Name != "" {
			label = p.n.Name
		}
		fmt.Fprintf(&b, `<circle class="%s" cx="%.1f" cy="%.1f" r="%.1f"><title>%s</title></circle>`, cls, X(p.x), top+rowH*float64(p.depth), r,
			template.HTMLEscapeString(fmt.Sprintf("%s, level %d", label, p.depth)))
	}
	fmt.Fprintf(&b, `<circle class="node self" cx="%.1f" cy="%.1f" r="9"><title>You</title></circle></svg>`, selfX, top)
	return template.HTML(b.String())
}
