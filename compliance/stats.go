package compliance

import (
	"slices"
	"sort"
)

// Summary is the distribution of one amount (gross compensation, costs,
// net) over a population, in minor units. Quantiles use linear
// interpolation between order statistics (the median of an even count is
// the mean of the middle two), rounded half away from zero to the minor
// unit.
type Summary struct {
	N                                 int
	Total, Mean, Median               int64
	P10, P25, P75, P90, P99, Min, Max int64
}

// Summarize returns the distribution of xs. xs is not modified.
func Summarize(xs []int64) Summary {
	s := Summary{N: len(xs)}
	if len(xs) == 0 {
		return s
	}
	v := slices.Clone(xs)
	slices.Sort(v)
	for _, x := range v {
		s.Total += x
	}
	s.Mean = divRound(s.Total, int64(len(v)))
	s.Median = quantile(v, 1, 2)
	s.P10 = quantile(v, 10, 100)
	s.P25 = quantile(v, 25, 100)
	s.P75 = quantile(v, 75, 100)
	s.P90 = quantile(v, 90, 100)
	s.P99 = quantile(v, 99, 100)
	s.Min, s.Max = v[0], v[len(v)-1]
	return s
}

// quantile returns the num/den quantile of sorted v: position h =
// (n−1)·q, interpolated between v[⌊h⌋] and v[⌊h⌋+1] exactly, rounded once.
func quantile(v []int64, num, den int64) int64 {
	n := int64(len(v))
	pos := (n - 1) * num // h = pos/den
	lo := pos / den
	frac := pos % den
	if frac == 0 || lo+1 >= n {
		return v[lo]
	}
	// v[lo] + (v[lo+1]-v[lo]) × frac/den
	return v[lo] + divRound((v[lo+1]-v[lo])*frac, den)
}

// Gini returns the population Gini coefficient Σ_iΣ_j|x_i−x_j| / (2n²μ) of
// xs, 0 for an empty or all-zero population. It sums in sorted order, so
// the result does not depend on the order of xs.
func Gini(xs []int64) float64 {
	if len(xs) == 0 {
		return 0
	}
	v := slices.Clone(xs)
	slices.Sort(v)
	n := float64(len(v))
	var num, total float64
	for i, x := range v {
		// Σ_iΣ_j|x_i−x_j| = 2 Σ_i (2i−n−1)·x_(i), i from 1.
		num += (2*float64(i+1) - n - 1) * float64(x)
		total += float64(x)
	}
	if total == 0 {
		return 0
	}
	return 2 * num / (2 * n * total)
}

// TopShare returns the share of the total held by the top k per cent of xs
// (at least one member): ⌈k·n/100⌉ largest values over the sum. It is
// undefined when the total is not positive.
func TopShare(xs []int64, k int) Ratio {
	if len(xs) == 0 {
		return Ratio{}
	}
	v := slices.Clone(xs)
	sort.Slice(v, func(i, j int) bool { return v[i] > v[j] })
	m := (k*len(v) + 99) / 100
	m = max(m, 1)
	var top, total int64
	for i, x := range v {
		if i < m {
			top += x
		}
		total += x
	}
	if total <= 0 {
		return Ratio{}
	}
	return Frac(top, total)
}

// Lorenz returns the Lorenz curve of xs at points+1 evenly spaced
// population shares 0, 1/points, …, 1: the cumulative share of the total
// held by the poorest fraction. All values are 0 when the total is 0.
func Lorenz(xs []int64, points int) []float64 {
	out := make([]float64, points+1)
	if len(xs) == 0 || points <= 0 {
		return out
	}
	v := slices.Clone(xs)
	slices.Sort(v)
	cum := make([]float64, len(v)+1)
	for i, x := range v {
		cum[i+1] = cum[i] + float64(x)
	}
	total := cum[len(v)]
	if total == 0 {
		return out
	}
	for p := 0; p <= points; p++ {
		pos := float64(p) * float64(len(v)) / float64(points)
		i := int(pos)
		f := pos - float64(i)
		c := cum[i]
		if i < len(v) {
			c += f * float64(v[i])
		}
		out[p] = c / total
	}
	return out
}

// count returns how many of xs satisfy keep.
func count(xs []int64, keep func(int64) bool) int {
	n := 0
	for _, x := range xs {
		if keep(x) {
			n++
		}
	}
	return n
}
