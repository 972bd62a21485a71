package sepa

import (
	"fmt"
	"testing"
)

// BenchmarkMarshal writes a batch of 10k credit transfers.
func BenchmarkMarshal(b *testing.B) {
	batch := testBatch()
	batch.Items = nil
	for i := 0; i < 10_000; i++ {
		batch.Items = append(batch.Items, Item{ID: fmt.Sprint(i), Name: "Jürgen Müller", IBAN: "DE89370400440532013000", Amount: int64(i + 1), Currency: "EUR", Reference: "Commission 2026-10"})
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Marshal(batch); err != nil {
			b.Fatal(err)
		}
	}
}
