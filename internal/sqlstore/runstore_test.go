package sqlstore

import (
	"testing"

	"github.com/downline/downline"
	"github.com/google/go-cmp/cmp"
)

// FuzzDecodeLines feeds arbitrary bytes to the stored-line decoder: it must
// never panic, and whatever it accepts must survive an encode and decode
// unchanged.
func FuzzDecodeLines(f *testing.F) {
	seed := []downline.CommissionLine{
		{LineNo: 1, Bonus: "direct", Kind: "direct", Source: 2, Basis: 100000, RateNum: 1, RateDen: 5, ScaleNum: 1, ScaleDen: 1, Amount: 20000},
		{LineNo: 9, Bonus: "unilevel", Kind: "unilevel", Source: 7, Level: 3, CompressedLevel: 2, Basis: 5, RateNum: 3, RateDen: 100,
			ScaleNum: 833333333, ScaleDen: 1000000000, Amount: 0, Withheld: "TX-06"},
		{LineNo: 12, Bonus: "direct", Kind: "clawback", Source: 2, Basis: 25000, RateNum: 1, RateDen: 5, ScaleNum: 1, ScaleDen: 1,
			Amount: -5000, RefundID: 4, OrderID: 17},
	}
	var all []byte
	for i := range seed {
		one := appendLine(nil, &seed[i])
		f.Add(one)
		all = append(all, one...)
	}
	f.Add(all)
	f.Add([]byte{0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		ls, err := decodeLines(1, 42, b)
		if err != nil {
			return
		}
		var again []byte
		for i := range ls {
			again = appendLine(again, &ls[i])
		}
		ls2, err := decodeLines(1, 42, again)
		if err != nil {
			t.Fatalf("re-encoded lines do not decode: %v", err)
		}
		if diff := cmp.Diff(ls, ls2); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
	})
}

// TestLineEncodingRoundTrip checks the worked example of each line form.
func TestLineEncodingRoundTrip(t *testing.T) {
	want := []downline.CommissionLine{
		{RunID: 1, Earner: 42, LineNo: 1, Bonus: "direct", Kind: "direct", Source: 2, Basis: 100000, RateNum: 1, RateDen: 5,
			ScaleNum: 1, ScaleDen: 1, Amount: 20000},
		{RunID: 1, Earner: 42, LineNo: 12, Bonus: "direct", Kind: "clawback", Source: 2, Basis: 25000, RateNum: 1, RateDen: 5,
			ScaleNum: 1, ScaleDen: 1, Amount: -5000, RefundID: 4, OrderID: 17, Withheld: "TX-04"},
	}
	var b []byte
	for i := range want {
		b = appendLine(b, &want[i])
	}
	got, err := decodeLines(1, 42, b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decode(encode(lines)) (-want +got):\n%s", diff)
	}
	if _, err := decodeLines(1, 42, b[:len(b)-1]); err == nil {
		t.Error("a truncated encoding decoded without error")
	}
}
