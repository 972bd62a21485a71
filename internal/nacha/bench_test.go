package nacha

import (
	"fmt"
	"testing"
)

// BenchmarkMarshalParse writes and reads back a file of 100k credits.
func BenchmarkMarshalParse(b *testing.B) {
	cb := testCreditBatch()
	cb.Payments = nil
	for i := 0; i < 100_000; i++ {
		cb.Payments = append(cb.Payments, Payment{ID: fmt.Sprintf("P%07d", i), Name: "Ann Lee", Routing: "231380104", Account: "987654321", Amount: int64(i + 1)})
	}
	f, err := NewCreditFile(testOriginator(), cb)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		data, err := Marshal(f)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}
