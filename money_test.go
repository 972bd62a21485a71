package downline_test

import (
	"math"
	"math/big"
	"testing"

	"github.com/downline/downline"
	"pgregory.net/rapid"
)

func TestMulDiv(t *testing.T) {
	tests := []struct {
		name           string
		x, num, den    int64
		want           int64
		wantErrMessage bool
	}{
		// The worked examples of domain.md "Money and rounding".
		{"3c x 20% = 0.6c -> 1c", 3, 20, 100, 1, false},
		{"15c x 10% = 1.5c -> 2c", 15, 10, 100, 2, false},
		{"1c x 50% = 0.5c -> 1c", 1, 50, 100, 1, false},
		{"500c x 2.9% = 14.5c -> 15c", 500, 29, 1000, 15, false},
		{"2c x 20% = 0.4c -> 0c", 2, 20, 100, 0, false},
		// Half away from zero for negatives: -15c x 10% = -1.5c -> -2c.
		{"negative half rounds away", -15, 10, 100, -2, false},
		{"negative den", 15, 10, -100, -2, false},
		{"just under half", 14, 10, 100, 1, false},
		// Exact 128-bit intermediate: MaxInt64 x 3 / 3 = MaxInt64.
		{"wide intermediate", math.MaxInt64, 3, 3, math.MaxInt64, false},
		{"min int", math.MinInt64, 1, 1, math.MinInt64, false},
		{"overflow", math.MaxInt64, 2, 1, 0, true},
		{"zero den", 1, 1, 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := downline.MulDiv(tt.x, tt.num, tt.den)
			if (err != nil) != tt.wantErrMessage {
				t.Fatalf("MulDiv(%d, %d, %d) error = %v, want error %v", tt.x, tt.num, tt.den, err, tt.wantErrMessage)
			}
			if got != tt.want {
				t.Errorf("MulDiv(%d, %d, %d) = %d, want %d", tt.x, tt.num, tt.den, got, tt.want)
			}
		})
	}
}

// TestMulDivMatchesRational checks MulDiv against exact rational arithmetic:
// round(x*num/den) half away from zero.
func TestMulDivMatchesRational(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		x := rapid.Int64().Draw(t, "x")
		num := rapid.Int64Range(-1_000_000, 1_000_000).Draw(t, "num")
		den := rapid.Int64Range(-1_000_000, 1_000_000).Filter(func(d int64) bool { return d != 0 }).Draw(t, "den")
		r := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(x), big.NewInt(num)), big.NewInt(den))
		// Half away from zero: sign(r) * floor(|r| + 1/2).
		abs := new(big.Rat).Abs(r)
		abs.Add(abs, big.NewRat(1, 2))
		q := new(big.Int).Quo(abs.Num(), abs.Denom())
		if r.Sign() < 0 {
			q.Neg(q)
		}
		got, err := downline.MulDiv(x, num, den)
		if !q.IsInt64() {
			if err == nil {
				t.Fatalf("MulDiv(%d, %d, %d) = %d, want overflow error", x, num, den, got)
			}
			return
		}
		if err != nil || got != q.Int64() {
			t.Fatalf("MulDiv(%d, %d, %d) = %d, %v, want %s", x, num, den, got, err, q)
		}
	})
}

func TestMoneyFormatParse(t *testing.T) {
	tests := []struct {
		m    downline.Money
		text string
	}{
		{downline.NewMoney(1234, "EUR"), "12.34"},
		{downline.NewMoney(-5, "EUR"), "-0.05"},
		{downline.NewMoney(0, "USD"), "0.00"},
		{downline.NewMoney(7, "JPY"), "7"},
		{downline.NewMoney(1001, "KWD"), "1.001"},
		{downline.NewMoney(math.MinInt64, "EUR"), "-92233720368547758.08"},
		{downline.NewMoney(math.MaxInt64, "EUR"), "92233720368547758.07"},
	}
	for _, tt := range tests {
		if got := tt.m.FormatMajor(); got != tt.text {
			t.Errorf("%d %s: FormatMajor() = %q, want %q", tt.m.Amount, tt.m.Currency, got, tt.text)
		}
		got, err := downline.ParseMajor(tt.text, tt.m.Currency)
		if err != nil || got != tt.m {
			t.Errorf("ParseMajor(%q, %s) = %v, %v, want %v", tt.text, tt.m.Currency, got, err, tt.m)
		}
	}
	// Short fractions are padded: "12.3" EUR = 1230 cents.
	if got, err := downline.ParseMajor("12.3", "EUR"); err != nil || got.Amount != 1230 {
		t.Errorf(`ParseMajor("12.3", EUR) = %v, %v, want 1230`, got, err)
	}
	for _, s := range []string{"", "-", ".5", "12.", "1.234", "1e3", "+1", "1,00", "92233720368547758.08", "--1"} {
		if got, err := downline.ParseMajor(s, "EUR"); downline.ErrorCode(err) != downline.CodeInvalid {
			t.Errorf("ParseMajor(%q, EUR) = %v, %v, want CodeInvalid", s, got, err)
		}
	}
}

func TestMoneyArithmetic(t *testing.T) {
	a, b := downline.NewMoney(1050, "EUR"), downline.NewMoney(250, "EUR")
	if got, err := a.Add(b); err != nil || got.Amount != 1300 {
		t.Errorf("Add = %v, %v, want 13.00 EUR", got, err)
	}
	if got, err := a.Sub(b); err != nil || got.Amount != 800 {
		t.Errorf("Sub = %v, %v, want 8.00 EUR", got, err)
	}
	if _, err := a.Add(downline.NewMoney(1, "USD")); downline.ErrorCode(err) != downline.CodeInvalid {
		t.Errorf("Add(USD) error = %v, want CodeInvalid", err)
	}
	if _, err := downline.NewMoney(math.MaxInt64, "EUR").Add(downline.NewMoney(1, "EUR")); err == nil {
		t.Error("Add overflow: no error")
	}
	if got, err := a.Mul(3); err != nil || got.Amount != 3150 {
		t.Errorf("Mul(3) = %v, %v, want 31.50 EUR", got, err)
	}
	// 10.50 × 2.9 % = 30.45c -> 30c.
	if got, err := a.MulFrac(29, 1000); err != nil || got.Amount != 30 {
		t.Errorf("MulFrac(29, 1000) = %v, %v, want 0.30 EUR", got, err)
	}
	if got := downline.NewMoney(-1234, "EUR").String(); got != "-12.34 EUR" {
		t.Errorf("String() = %q, want %q", got, "-12.34 EUR")
	}
}

// FuzzParseMajor checks that whatever ParseMajor accepts formats back to a
// string that parses to the same amount.
func FuzzParseMajor(f *testing.F) {
	for _, s := range []string{"0", "12.34", "-0.05", "1.2", "92233720368547758.07", "-92233720368547758.08", "007.10", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, cur := range []string{"EUR", "JPY", "KWD"} {
			m, err := downline.ParseMajor(s, cur)
			if err != nil {
				continue
			}
			back, err := downline.ParseMajor(m.FormatMajor(), cur)
			if err != nil || back != m {
				t.Fatalf("ParseMajor(%q) = %v; reparse of %q = %v, %v", s, m, m.FormatMajor(), back, err)
			}
		}
	})
}
