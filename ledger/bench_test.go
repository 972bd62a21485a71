package ledger

import (
	"fmt"
	"testing"
)

func benchEarnings(n int) []Earning {
	es := make([]Earning, n)
	for i := range es {
		es[i] = Earning{Distributor: int64(n - i), Amount: int64(i%5000 + 1)}
	}
	return es
}

// BenchmarkEarnings builds the earnings transaction of a run with up to
// 1M distributors, the size of the close benchmark of issue 5.
func BenchmarkEarnings(b *testing.B) {
	for _, n := range []int{10_000, 1_000_000} {
		es := benchEarnings(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := Earnings("2026-10", "EUR", es); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkApplyEarnings applies that transaction to an empty Book.
func BenchmarkApplyEarnings(b *testing.B) {
	for _, n := range []int{10_000, 1_000_000} {
		tx, err := Earnings("2026-10", "EUR", benchEarnings(n))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := NewBook().Apply(tx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
