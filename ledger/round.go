package ledger

import (
	"fmt"
	"math"
	"math/bits"
)

// mulDiv returns x × num / den computed exactly in 128 bits and rounded
// once to an integer, half away from zero (15 × 1/10 → 2; -15 × 1/10 →
// -2; 3 × 1/5 → 1). It fails with ErrInvalid when den is zero or the
// result does not fit int64.
func mulDiv(x, num, den int64) (int64, error) {
	if den == 0 {
		return 0, fmt.Errorf("%d × %d / 0: division by zero: %w", x, num, ErrInvalid)
	}
	neg := (x < 0) != (num < 0) != (den < 0)
	ux, un, ud := absU(x), absU(num), absU(den)
	hi, lo := bits.Mul64(ux, un)
	if hi >= ud {
		return 0, fmt.Errorf("%d × %d / %d: overflows: %w", x, num, den, ErrInvalid)
	}
	q, r := bits.Div64(hi, lo, ud)
	if r >= ud-r { // r ≥ ud/2 without overflow: round the magnitude up
		q++
	}
	if neg {
		if q > 1<<63 {
			return 0, fmt.Errorf("%d × %d / %d: overflows: %w", x, num, den, ErrInvalid)
		}
		return int64(-q), nil
	}
	if q > math.MaxInt64 {
		return 0, fmt.Errorf("%d × %d / %d: overflows: %w", x, num, den, ErrInvalid)
	}
	return int64(q), nil
}

func absU(x int64) uint64 {
	if x < 0 {
		return uint64(-(x + 1)) + 1
	}
	return uint64(x)
}
