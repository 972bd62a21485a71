package compplan

import (
	"fmt"
	"math/big"
	"math/bits"
	"strconv"
	"strings"
)

// Rate is an exact non-negative fraction Num/Den (0.06 for "6 %"). Plans
// write rates as decimal percentages ("6", "6.5", "2.9"); they are kept
// exact so that a line's amount is rounded exactly once.
type Rate struct {
	Num, Den int64
}

// IsZero reports whether r is zero (or unset).
func (r Rate) IsZero() bool { return r.Num == 0 }

// Less reports whether r < s.
func (r Rate) Less(s Rate) bool {
	if r.Den == 0 || s.Den == 0 {
		return r.Num == 0 && s.Num != 0
	}
	// Rates are non-negative: compare r.Num×s.Den with s.Num×r.Den in 128 bits.
	h1, l1 := bits.Mul64(uint64(r.Num), uint64(s.Den))
	h2, l2 := bits.Mul64(uint64(s.Num), uint64(r.Den))
	return h1 < h2 || h1 == h2 && l1 < l2
}

// Sub returns r-s, or zero when s >= r.
func (r Rate) Sub(s Rate) Rate {
	if s.IsZero() {
		return r
	}
	if r.IsZero() || !s.Less(r) {
		return Rate{0, 1}
	}
	n := r.Num*s.Den - s.Num*r.Den
	d := r.Den * s.Den
	return reduce(n, d)
}

// Percent formats r as a percentage without trailing zeros ("2.9", "33.333333…"
// truncated to nine places when it does not terminate).
func (r Rate) Percent() string {
	if r.Den == 0 {
		return "0"
	}
	return ratString(new(big.Rat).SetFrac(big.NewInt(r.Num*100), big.NewInt(r.Den)))
}

// String formats r as a decimal fraction ("0.029"), or "n/d" when it does
// not terminate.
func (r Rate) String() string {
	if r.Den == 0 {
		return "0"
	}
	q := new(big.Rat).SetFrac(big.NewInt(r.Num), big.NewInt(r.Den))
	if _, exact := q.FloatPrec(); exact {
		return ratString(q)
	}
	return q.RatString()
}

func ratString(q *big.Rat) string {
	s := q.FloatString(9)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

func reduce(n, d int64) Rate {
	if d == 0 {
		return Rate{0, 1}
	}
	g := gcd(abs64(n), abs64(d))
	if g == 0 {
		return Rate{0, 1}
	}
	return Rate{n / g, d / g}
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// parseDecimal parses an unsigned or signed decimal string with at most
// maxPlaces fractional digits into value × 10^-places.
func parseDecimal(s string, maxPlaces int) (num int64, places int, err error) {
	if s == "" {
		return 0, 0, fmt.Errorf("empty number")
	}
	neg := false
	t := s
	if t[0] == '-' || t[0] == '+' {
		neg = t[0] == '-'
		t = t[1:]
	}
	intPart, frac, hasDot := strings.Cut(t, ".")
	if intPart == "" && frac == "" || hasDot && frac == "" {
		return 0, 0, fmt.Errorf("malformed number %q", s)
	}
	digits := intPart + frac
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, 0, fmt.Errorf("malformed number %q", s)
		}
	}
	if len(frac) > maxPlaces {
		return 0, 0, fmt.Errorf("%q has more than %d decimal places", s, maxPlaces)
	}
	if len(digits) > 18 {
		return 0, 0, fmt.Errorf("number %q is too large", s)
	}
	v, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("malformed number %q", s)
	}
	if neg {
		v = -v
	}
	return v, len(frac), nil
}

// ParsePercent parses a decimal percentage such as "6", "6.5" or "2.9"
// (at most six decimal places, between 0 and 100) into an exact Rate.
func ParsePercent(s string) (Rate, error) {
	s = strings.TrimSuffix(strings.TrimSpace(s), "%")
	v, places, err := parseDecimal(s, 6)
	if err != nil {
		return Rate{}, err
	}
	if v < 0 {
		return Rate{}, fmt.Errorf("percentage %q is negative", s)
	}
	den := int64(100)
	for range places {
		den *= 10
	}
	r := reduce(v, den)
	if r.Num > r.Den {
		return Rate{}, fmt.Errorf("percentage %q is above 100", s)
	}
	return r, nil
}

// ParseFraction parses a fraction written "1/3" or as a decimal "0.25"
// into an exact Rate between 0 and 1.
func ParseFraction(s string) (Rate, error) {
	s = strings.TrimSpace(s)
	if n, d, ok := strings.Cut(s, "/"); ok {
		a, err1 := strconv.ParseInt(strings.TrimSpace(n), 10, 32)
		b, err2 := strconv.ParseInt(strings.TrimSpace(d), 10, 32)
		if err1 != nil || err2 != nil || b <= 0 || a < 0 || a > b {
			return Rate{}, fmt.Errorf("fraction %q is not n/d with 0 <= n <= d", s)
		}
		return reduce(a, b), nil
	}
	v, places, err := parseDecimal(s, 8)
	if err != nil {
		return Rate{}, err
	}
	den := int64(1)
	for range places {
		den *= 10
	}
	if v < 0 || v > den {
		return Rate{}, fmt.Errorf("fraction %q is not between 0 and 1", s)
	}
	return reduce(v, den), nil
}

// ParseMoney parses an amount in major units ("12.34", "-3.5", "200") into
// minor units with the given number of minor digits.
func ParseMoney(s string, minorDigits int) (int64, error) {
	v, places, err := parseDecimal(strings.TrimSpace(s), minorDigits)
	if err != nil {
		return 0, err
	}
	for ; places < minorDigits; places++ {
		if v > 1<<62/10 || v < -(1<<62)/10 {
			return 0, fmt.Errorf("amount %q is too large", s)
		}
		v *= 10
	}
	return v, nil
}

// FormatMoney formats minor units as a major-unit decimal string with
// exactly minorDigits places ("12.34", "-0.05").
func FormatMoney(v int64, minorDigits int) string {
	neg := v < 0
	u := uint64(v)
	if neg {
		u = uint64(-v)
	}
	s := strconv.FormatUint(u, 10)
	if minorDigits > 0 {
		for len(s) <= minorDigits {
			s = "0" + s
		}
		s = s[:len(s)-minorDigits] + "." + s[len(s)-minorDigits:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// MulRound returns basis × r × s rounded once, half away from zero. s is
// the payout-cap scale factor (Rate{1, 1} when there is none).
func MulRound(basis int64, r, s Rate) int64 {
	if basis == 0 || r.Num == 0 || s.Num == 0 {
		return 0
	}
	neg := basis < 0
	ub := uint64(basis)
	if neg {
		ub = uint64(-basis)
	}
	hi, lo := bits.Mul64(ub, uint64(r.Num))
	dhi, den := bits.Mul64(uint64(r.Den), uint64(s.Den))
	if hi == 0 && dhi == 0 {
		hi2, lo2 := bits.Mul64(lo, uint64(s.Num))
		if hi2 < den {
			q, rem := bits.Div64(hi2, lo2, den)
			// Round half away from zero: compare 2*rem with den without
			// overflow.
			if rem >= den-rem {
				q++
			}
			if q <= 1<<63-1 {
				if neg {
					return -int64(q)
				}
				return int64(q)
			}
		}
	}
	return mulRoundBig(basis, r, s)
}

func mulRoundBig(basis int64, r, s Rate) int64 {
	n := new(big.Int).Mul(big.NewInt(abs64(basis)), big.NewInt(r.Num))
	n.Mul(n, big.NewInt(s.Num))
	d := new(big.Int).Mul(big.NewInt(r.Den), big.NewInt(s.Den))
	q, m := new(big.Int).QuoRem(n, d, new(big.Int))
	if m.Lsh(m, 1).Cmp(d) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	v := q.Int64()
	if basis < 0 {
		return -v
	}
	return v
}
