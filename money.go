package downline

import (
	"fmt"
	"math"
	"math/bits"
	"strings"
)

// Money is an amount in integer minor units (cents for EUR and USD) of an
// ISO 4217 currency. Money is never a float: arithmetic is exact and the one
// rounding step, where there is one, rounds half away from zero.
type Money struct {
	Amount   int64
	Currency string
}

// NewMoney returns amount minor units of currency.
func NewMoney(amount int64, currency string) Money {
	return Money{Amount: amount, Currency: currency}
}

// IsZero reports whether m's amount is zero.
func (m Money) IsZero() bool { return m.Amount == 0 }

// Add returns m + o. It fails with CodeInvalid when the currencies differ
// and with CodeInvalid when the sum overflows int64.
func (m Money) Add(o Money) (Money, error) {
	if m.Currency != o.Currency {
		return Money{}, Errorf(CodeInvalid, "cannot add %s to %s", o.Currency, m.Currency)
	}
	s, ok := AddAmounts(m.Amount, o.Amount)
	if !ok {
		return Money{}, Errorf(CodeInvalid, "amount overflows: %d + %d", m.Amount, o.Amount)
	}
	return Money{Amount: s, Currency: m.Currency}, nil
}

// Sub returns m - o, with the errors of Add.
func (m Money) Sub(o Money) (Money, error) {
	if o.Amount == math.MinInt64 {
		return Money{}, Errorf(CodeInvalid, "amount overflows: %d - %d", m.Amount, o.Amount)
	}
	return m.Add(Money{Amount: -o.Amount, Currency: o.Currency})
}

// Mul returns m × n, failing with CodeInvalid on overflow.
func (m Money) Mul(n int64) (Money, error) {
	p, ok := MulAmounts(m.Amount, n)
	if !ok {
		return Money{}, Errorf(CodeInvalid, "amount overflows: %d × %d", m.Amount, n)
	}
	return Money{Amount: p, Currency: m.Currency}, nil
}

// MulFrac returns m × num / den computed exactly and rounded once to the
// minor unit, half away from zero (3¢ × 1/5 → 1¢; 15¢ × 1/10 → 2¢;
// -15¢ × 1/10 → -2¢). It fails with CodeInvalid when den is zero or the
// result does not fit int64.
func (m Money) MulFrac(num, den int64) (Money, error) {
	a, err := MulDiv(m.Amount, num, den)
	if err != nil {
		return Money{}, err
	}
	return Money{Amount: a, Currency: m.Currency}, nil
}

// AddAmounts returns a + b and reports whether the sum fits int64.
func AddAmounts(a, b int64) (int64, bool) {
	s := a + b
	if (a > 0 && b > 0 && s < 0) || (a < 0 && b < 0 && s >= 0) {
		return 0, false
	}
	return s, true
}

// MulAmounts returns a × b and reports whether the product fits int64.
func MulAmounts(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	p := a * b
	if p/b != a || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) {
		return 0, false
	}
	return p, true
}

// MulDiv returns x × num / den, computed exactly in 128 bits and rounded
// once, half away from zero. It is the only rounding primitive in Downline:
// rates and scale factors are expressed as fractions and applied with it.
// It fails with CodeInvalid when den is zero or the result overflows int64.
func MulDiv(x, num, den int64) (int64, error) {
	if den == 0 {
		return 0, Errorf(CodeInvalid, "division by zero")
	}
	neg := (x < 0) != (num < 0) != (den < 0)
	ux, un, ud := abs64(x), abs64(num), abs64(den)
	hi, lo := bits.Mul64(ux, un)
	if hi >= ud {
		return 0, Errorf(CodeInvalid, "amount overflows: %d × %d / %d", x, num, den)
	}
	q, r := bits.Div64(hi, lo, ud)
	// Round half away from zero: bump the magnitude when the remainder is at
	// least half the divisor, i.e. r >= ud - r (no overflow: r < ud).
	if r >= ud-r {
		q++
	}
	if q == 0 {
		return 0, nil
	}
	if neg {
		if q > 1<<63 {
			return 0, Errorf(CodeInvalid, "amount overflows: %d × %d / %d", x, num, den)
		}
		return int64(-q), nil // -(1<<63) wraps to MinInt64 correctly
	}
	if q > math.MaxInt64 {
		return 0, Errorf(CodeInvalid, "amount overflows: %d × %d / %d", x, num, den)
	}
	return int64(q), nil
}

func abs64(x int64) uint64 {
	if x < 0 {
		return uint64(-(x + 1)) + 1
	}
	return uint64(x)
}

// CurrencyDigits returns the number of minor-unit digits of an ISO 4217
// currency code: 0 for JPY, KRW and a few others, 3 for the dinars, and 2
// for every other code.
func CurrencyDigits(currency string) int {
	switch currency {
	case "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF",
		"UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF":
		return 0
	case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND":
		return 3
	}
	return 2
}

// IsCurrency reports whether code has the shape of an ISO 4217 code: three
// upper-case ASCII letters.
func IsCurrency(code string) bool {
	if len(code) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if code[i] < 'A' || code[i] > 'Z' {
			return false
		}
	}
	return true
}

// FormatMajor returns the amount in major units with exactly the currency's
// minor digits and no grouping: 1234 EUR → "12.34", -5 EUR → "-0.05",
// 7 JPY → "7".
func (m Money) FormatMajor() string {
	d := CurrencyDigits(m.Currency)
	u := abs64(m.Amount)
	sign := ""
	if m.Amount < 0 {
		sign = "-"
	}
	if d == 0 {
		return fmt.Sprintf("%s%d", sign, u)
	}
	p := uint64(1)
	for i := 0; i < d; i++ {
		p *= 10
	}
	return fmt.Sprintf("%s%d.%0*d", sign, u/p, d, u%p)
}

// String returns the amount in major units followed by the currency code,
// for example "12.34 EUR".
func (m Money) String() string {
	return m.FormatMajor() + " " + m.Currency
}

// ParseMajor parses an amount in major units ("12.34", "-0.5", "7") of the
// given currency. It accepts an optional leading minus sign and at most the
// currency's minor digits; more digits are an error rather than a silent
// rounding, because an input amount must be exact. Errors have CodeInvalid.
func ParseMajor(s, currency string) (Money, error) {
	if !IsCurrency(currency) {
		return Money{}, Errorf(CodeInvalid, "currency %q is not an ISO 4217 code", currency)
	}
	digits := CurrencyDigits(currency)
	bad := func(why string) (Money, error) {
		return Money{}, Errorf(CodeInvalid, "amount %q: %s", s, why)
	}
	str := s
	neg := false
	if strings.HasPrefix(str, "-") {
		neg, str = true, str[1:]
	}
	intPart, frac, hasDot := strings.Cut(str, ".")
	if intPart == "" || (hasDot && frac == "") {
		return bad("must be digits with an optional decimal point")
	}
	if len(frac) > digits {
		return bad(fmt.Sprintf("has more than %d decimal places", digits))
	}
	var u uint64
	const maxU = uint64(1) << 63 // magnitude of MinInt64
	push := func(c byte) bool {
		if c < '0' || c > '9' {
			return false
		}
		hi, lo := bits.Mul64(u, 10)
		lo, carry := bits.Add64(lo, uint64(c-'0'), 0)
		if hi != 0 || carry != 0 || lo > maxU {
			return false
		}
		u = lo
		return true
	}
	for i := 0; i < len(intPart); i++ {
		if !push(intPart[i]) {
			return bad("must be digits with an optional decimal point and fit 64 bits")
		}
	}
	for i := 0; i < digits; i++ {
		c := byte('0')
		if i < len(frac) {
			c = frac[i]
		}
		if !push(c) {
			return bad("must be digits with an optional decimal point and fit 64 bits")
		}
	}
	if neg {
		return Money{Amount: int64(-u), Currency: currency}, nil
	}
	if u > math.MaxInt64 {
		return bad("does not fit 64 bits")
	}
	return Money{Amount: int64(u), Currency: currency}, nil
}
