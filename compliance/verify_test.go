package compliance

import (
	"fmt"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

func TestSampleSize(t *testing.T) {
	t.Parallel()
	// verify_sample_rate = 2 % (TX-02 (c)): ceil(0.02 × n).
	tests := []struct {
		rate Ratio
		n    int
		want int
	}{
		{Pct(2), 0, 0},
		{Pct(2), 1, 1},     // 0.02 → 1
		{Pct(2), 50, 1},    // 1.00 exactly
		{Pct(2), 51, 2},    // 1.02 → 2
		{Pct(2), 100, 2},   // 2.00
		{Pct(2), 1234, 25}, // 24.68 → 25
		{Frac(1, 3), 3, 1},
		{Frac(1, 3), 4, 2},
		{Frac(1, 1), 7, 7},
		{Ratio{}, 7, 0},
		{Frac(0, 1), 7, 0},
	}
	for _, tt := range tests {
		if got := SampleSize(tt.rate, tt.n); got != tt.want {
			t.Errorf("SampleSize(%s, %d) = %d, want %d", tt.rate, tt.n, got, tt.want)
		}
	}
}

// TestSampleRankStable pins the hash scheme: changing it would draw every
// period's sample anew and duplicate the cases of a re-run.
func TestSampleRankStable(t *testing.T) {
	t.Parallel()
	got := SampleRank([]byte("test key 0123456"), "2026-03", "INV-1")
	const want = "15ef749305d94aa8cbf3cf736211daa9121968f5bfa91579a43f3bde61031e7e" // python3 hmac.new(key, msg, sha256)
	if got != want {
		t.Errorf("SampleRank = %s, want %s", got, want)
	}
	if a, b := SampleRank([]byte("k"), "2026-03", "INV-1"), SampleRank([]byte("k"), "2026-04", "INV-1"); a == b {
		t.Error("the rank does not depend on the period")
	}
	if SampleKeyID([]byte("k1")) == SampleKeyID([]byte("k2")) || len(SampleKeyID([]byte("k1"))) != 16 {
		t.Error("SampleKeyID does not tell two keys apart")
	}
}

// TestSampleProperties: the sample is ceil(rate × n) distinct members of
// the population, the same whatever the order of the input, and another
// key draws another sample (for populations big enough to tell).
func TestSampleProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 300).Draw(t, "n")
		refs := make([]string, n)
		for i := range refs {
			refs[i] = fmt.Sprintf("INV-%d", i)
		}
		rate := Frac(rapid.Int64Range(1, 100).Draw(t, "pct"), 100)
		key := []byte(rapid.StringN(1, 32, -1).Draw(t, "key"))
		s1 := Sample(key, "2026-03", rate, refs)
		if len(s1) != SampleSize(rate, n) {
			t.Fatalf("sample of %d at %s has %d orders, want %d", n, rate, len(s1), SampleSize(rate, n))
		}
		shuffled := slices.Clone(refs)
		perm := rapid.Permutation(shuffled).Draw(t, "perm")
		s2 := Sample(key, "2026-03", rate, perm)
		if !slices.Equal(s1, s2) {
			t.Fatalf("sample depends on input order: %v vs %v", s1, s2)
		}
		seen := map[string]bool{}
		for _, r := range s1 {
			if seen[r] || !slices.Contains(refs, r) {
				t.Fatalf("sample %v repeats or invents %q", s1, r)
			}
			seen[r] = true
		}
		if n >= 200 && len(s1) < n {
			other := Sample(append(key, 'x'), "2026-03", rate, refs)
			if slices.Equal(s1, other) {
				t.Fatalf("two keys drew the same sample %v", s1)
			}
		}
	})
}
