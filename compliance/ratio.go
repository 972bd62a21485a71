package compliance

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// Ratio is an exact fraction Num/Den. Every threshold and every share the
// package reports is a Ratio, so that a gate compares exactly (2/3 is 2/3,
// not 0.6667) and reports round only when they are shown. The zero Ratio
// (0/0) means "undefined", for example a share of an empty population.
type Ratio struct {
	Num, Den int64
}

// Frac returns num/den. A zero den yields the undefined Ratio.
func Frac(num, den int64) Ratio {
	if den == 0 {
		return Ratio{}
	}
	if den < 0 {
		num, den = -num, -den
	}
	return Ratio{Num: num, Den: den}
}

// Pct returns p/100.
func Pct(p int64) Ratio { return Frac(p, 100) }

// IsDefined reports whether r has a non-zero denominator.
func (r Ratio) IsDefined() bool { return r.Den != 0 }

// Float returns r as a float64, for charts and statistics only; 0 when r is
// undefined.
func (r Ratio) Float() float64 {
	if r.Den == 0 {
		return 0
	}
	return float64(r.Num) / float64(r.Den)
}

func (r Ratio) rat() *big.Rat {
	if r.Den == 0 {
		return new(big.Rat)
	}
	return big.NewRat(r.Num, r.Den)
}

// Cmp compares r and o exactly and returns -1, 0 or +1. An undefined Ratio
// compares as 0.
func (r Ratio) Cmp(o Ratio) int { return r.rat().Cmp(o.rat()) }

// Less reports whether r < o.
func (r Ratio) Less(o Ratio) bool { return r.Cmp(o) < 0 }

// Mul returns r × o, reduced. It panics on overflow of the reduced result,
// which cannot happen for the small thresholds and shares this package uses.
func (r Ratio) Mul(o Ratio) Ratio {
	if r.Den == 0 || o.Den == 0 {
		return Ratio{}
	}
	p := new(big.Rat).Mul(r.rat(), o.rat())
	return fromRat(p)
}

// Min returns the smaller of r and o.
func (r Ratio) Min(o Ratio) Ratio {
	if o.Less(r) {
		return o
	}
	return r
}

func fromRat(p *big.Rat) Ratio {
	if !p.Num().IsInt64() || !p.Denom().IsInt64() {
		panic(fmt.Sprintf("compliance: ratio %s overflows int64", p))
	}
	return Ratio{Num: p.Num().Int64(), Den: p.Denom().Int64()}
}

// Percent formats r as a percentage with the given number of decimals,
// rounded half away from zero: Frac(13360-1360, 13360) with 1 decimal is
// "89.8 %". An undefined Ratio is "n/a".
func (r Ratio) Percent(decimals int) string {
	if r.Den == 0 {
		return "n/a"
	}
	scale := int64(100)
	for range decimals {
		scale *= 10
	}
	v := roundDiv(new(big.Int).Mul(big.NewInt(r.Num), big.NewInt(scale)), big.NewInt(r.Den))
	return fixed(v, decimals) + " %"
}

// Decimal formats r as a decimal number with the given number of decimals,
// rounded half away from zero: Frac(20, 11) with 2 decimals is "1.82".
func (r Ratio) Decimal(decimals int) string {
	if r.Den == 0 {
		return "n/a"
	}
	scale := int64(1)
	for range decimals {
		scale *= 10
	}
	v := roundDiv(new(big.Int).Mul(big.NewInt(r.Num), big.NewInt(scale)), big.NewInt(r.Den))
	return fixed(v, decimals)
}

// String returns "num/den".
func (r Ratio) String() string {
	if r.Den == 0 {
		return "n/a"
	}
	return strconv.FormatInt(r.Num, 10) + "/" + strconv.FormatInt(r.Den, 10)
}

// MarshalText encodes r as a decimal with six places, so that JSON output
// is readable and stable.
func (r Ratio) MarshalText() ([]byte, error) {
	if r.Den == 0 {
		return []byte("null"), nil
	}
	return []byte(r.Decimal(6)), nil
}

// roundDiv returns n/d rounded half away from zero.
func roundDiv(n, d *big.Int) int64 {
	q, m := new(big.Int).QuoRem(n, d, new(big.Int))
	// |2m| >= |d| rounds away from zero.
	m2 := new(big.Int).Abs(m)
	m2.Lsh(m2, 1)
	if m2.Cmp(new(big.Int).Abs(d)) >= 0 {
		if (n.Sign() < 0) != (d.Sign() < 0) {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q.Int64()
}

// divRound returns n/d rounded half away from zero, for int64 operands.
func divRound(n, d int64) int64 {
	if d == 0 {
		return 0
	}
	return roundDiv(big.NewInt(n), big.NewInt(d))
}

// fixed renders v/10^decimals with exactly decimals places.
func fixed(v int64, decimals int) string {
	neg := v < 0
	if neg {
		v = -v
	}
	s := strconv.FormatInt(v, 10)
	if decimals > 0 {
		if len(s) <= decimals {
			s = strings.Repeat("0", decimals-len(s)+1) + s
		}
		s = s[:len(s)-decimals] + "." + s[len(s)-decimals:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// Money formats minor units as a decimal string in major units with two
// places, the form `downline calc` uses: 133600 is "1336.00".
func Money(minor int64) string { return fixed(minor, 2) }
