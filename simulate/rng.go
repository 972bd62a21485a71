package simulate

import (
	"math"
	"math/rand/v2"
)

// Random-stream purposes: every draw is keyed by what it is for, so that a
// perturbed run draws the same numbers for everything it did not change.
const (
	purposeEffort uint64 = iota + 1
	purposeSeller
	purposeRecruit
	purposeCustomer
	purposeValue
	purposeChurn
	purposePersonal
	purposeAttrition
	purposeQualify
	purposeKit
)

// mix is SplitMix64's finaliser, used to derive stream keys.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// stream is a PCG generator for one (replication, key, month, purpose).
type stream struct{ pcg rand.PCG }

func newStream(seed uint64, key uint64, month int, purpose uint64) stream {
	var s stream
	s.pcg.Seed(mix(seed^mix(key)), mix(uint64(month)<<8|purpose)^key)
	return s
}

// float returns a uniform number in [0, 1).
func (s *stream) float() float64 { return float64(s.pcg.Uint64()>>11) / (1 << 53) }

// normal returns a standard normal number (Box–Muller).
func (s *stream) normal() float64 {
	u := 1 - s.float() // (0, 1]
	v := s.float()
	return math.Sqrt(-2*math.Log(u)) * math.Cos(2*math.Pi*v)
}

// poisson returns a Poisson(lambda) count by inversion with one uniform,
// so that a small change of lambda rarely changes the count (paired runs).
func (s *stream) poisson(lambda float64) int {
	u := s.float()
	if lambda <= 0 {
		return 0
	}
	p := math.Exp(-lambda)
	f := p
	k := 0
	for u > f && k < 1000 {
		k++
		p *= lambda / float64(k)
		f += p
	}
	return k
}
