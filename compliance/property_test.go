package compliance

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

func TestStatsProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		xs := rapid.SliceOfN(rapid.Int64Range(0, 1_000_000_00), 1, 200).Draw(t, "xs")
		g := Gini(xs)
		if g < 0 || g >= 1 {
			t.Fatalf("Gini = %v, want in [0, 1)", g)
		}
		s := Summarize(xs)
		if s.Median < s.Min || s.Median > s.Max || s.P10 > s.P25 || s.P25 > s.Median || s.Median > s.P75 || s.P75 > s.P90 || s.P90 > s.P99 {
			t.Fatalf("quantiles out of order: %+v", s)
		}
		t1, t10 := TopShare(xs, 1), TopShare(xs, 10)
		if t1.IsDefined() && (t10.Less(t1) || Frac(1, 1).Less(t10)) {
			t.Fatalf("top-1 %s > top-10 %s or > 1", t1, t10)
		}
		l := Lorenz(xs, 10)
		for i := 1; i < len(l); i++ {
			if l[i] < l[i-1]-1e-12 {
				t.Fatalf("Lorenz curve decreasing: %v", l)
			}
		}
	})
}

func TestComputeIDSOrderIndependent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := workedIDS()
		n := rapid.IntRange(1, 40).Draw(t, "n")
		in.Records = nil
		for i := range n {
			in.Records = append(in.Records, IncomeRecord{ID: strings.Repeat("p", 1+i%3) + string(rune('a'+i)),
				Gross:       rapid.Int64Range(0, 5_000_000).Draw(t, "gross"),
				TrackedCost: rapid.Int64Range(0, 100_000).Draw(t, "cost"),
				Active:      rapid.Bool().Draw(t, "active")})
		}
		a, err := ComputeIDS(in)
		if err != nil {
			t.Fatal(err)
		}
		seed := rapid.Uint64().Draw(t, "seed")
		r := rand.New(rand.NewPCG(seed, 1))
		r.Shuffle(len(in.Records), func(i, j int) { in.Records[i], in.Records[j] = in.Records[j], in.Records[i] })
		b, err := ComputeIDS(in)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(a, b); diff != "" {
			t.Fatalf("statement depends on record order (-first +shuffled):\n%s", diff)
		}
		paid := 0
		for _, x := range in.Records {
			if x.Gross > 0 {
				paid++
			}
		}
		// Z = zeros/N exactly: zeros + paid = N.
		if a.ZeroShare.Cmp(Frac(int64(n-paid), int64(n))) != 0 {
			t.Fatalf("zero share %s, want %d/%d", a.ZeroShare, n-paid, n)
		}
	})
}

func TestRatioRounding(t *testing.T) {
	tests := []struct {
		r    Ratio
		dec  int
		want string
	}{
		{Frac(12000, 13360), 1, "89.8 %"},
		{Frac(1, 8), 1, "12.5 %"},  // exact
		{Frac(1, 3), 0, "33 %"},    // 33.33
		{Frac(2, 3), 0, "67 %"},    // 66.67
		{Frac(1, 200), 0, "1 %"},   // 0.5 % rounds away from zero
		{Frac(-1, 200), 0, "-1 %"}, // and below zero too
		{Frac(1, 400), 1, "0.3 %"}, // 0.25 → 0.3
		{Ratio{}, 1, "n/a"},
	}
	for _, tt := range tests {
		if got := tt.r.Percent(tt.dec); got != tt.want {
			t.Errorf("%s.Percent(%d) = %q, want %q", tt.r, tt.dec, got, tt.want)
		}
	}
	if got := Frac(20, 11).Decimal(2); got != "1.82" {
		t.Errorf("20/11 = %s, want 1.82", got)
	}
}

func FuzzParseJurisdictions(f *testing.F) {
	for _, s := range []string{"", "US", "us, uk ,EU", "US-TX,US-TX", "XX", ",,", "CN,KR,JP,TW,AU,IN,US-MD,US-GA,US-MODEL"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ps, err := ParseJurisdictions(s)
		if err != nil {
			return
		}
		for i := 1; i < len(ps); i++ {
			if ps[i-1].Code >= ps[i].Code {
				t.Fatalf("profiles %q not sorted and unique", s)
			}
		}
	})
}
