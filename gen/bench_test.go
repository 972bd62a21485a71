package gen

import (
	"io"
	"testing"
)

func BenchmarkNew(b *testing.B) {
	for _, shape := range []Shape{ShapePA, ShapeDeep, ShapeBinarySpill} {
		b.Run(string(shape), func(b *testing.B) {
			for b.Loop() {
				if _, err := New(Config{Seed: 1, Distributors: 100000, Shape: shape}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100000, "ns/distributor")
		})
	}
}

func BenchmarkOrderBatches(b *testing.B) {
	g, err := New(Config{Seed: 1, Distributors: 100000, Orders: 1000000})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		var cv int64
		g.OrderBatches(1<<16, func(os []Order) error {
			for k := range os {
				cv += os[k].CV
			}
			return nil
		})
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ns/order")
}

func BenchmarkWriteOrders(b *testing.B) {
	g, err := New(Config{Seed: 1, Distributors: 10000, Orders: 100000})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := g.WriteOrders(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e5, "ns/order")
}
