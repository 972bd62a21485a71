package compliance

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"math/big"
	"sort"
)

// Receipt verification sampling (TX-02 (4), verify_sample_rate).
//
// Each period's sample is the ceil(rate × n) orders whose keyed rank is
// lowest, where the rank of an order is HMAC-SHA256(key, "downline-verify-
// sample/1" ‖ period ‖ order external id). The hash makes the draw
// unbiased (it is independent of anything a seller controls: amounts,
// dates, customers, the order in which orders were recorded), repeatable
// (the same key, period and orders give the same sample), and
// unpredictable to anyone without the key, so a seller cannot tell which
// receipts will be checked. External ids, not database ids, are hashed so
// that the draw does not depend on insertion order.

// SampleSize returns ceil(rate × n), at most n; 0 for n <= 0 or a rate
// that is undefined or not positive.
func SampleSize(rate Ratio, n int) int {
	if n <= 0 || !rate.IsDefined() || rate.Num <= 0 {
		return 0
	}
	num := new(big.Int).Mul(big.NewInt(rate.Num), big.NewInt(int64(n)))
	q, m := new(big.Int).QuoRem(num, big.NewInt(rate.Den), new(big.Int))
	if m.Sign() > 0 {
		q.Add(q, big.NewInt(1))
	}
	if !q.IsInt64() || q.Int64() > int64(n) {
		return n
	}
	return int(q.Int64())
}

// SampleRank returns the keyed rank of the order with external id ref in
// period, as 64 hex digits; lower ranks are drawn first.
func SampleRank(key []byte, period, ref string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("downline-verify-sample/1\x00"))
	m.Write([]byte(period))
	m.Write([]byte{0})
	m.Write([]byte(ref))
	return hex.EncodeToString(m.Sum(nil))
}

// SampleKeyID identifies a sampling key without revealing it (16 hex
// digits), so that a store can refuse to draw a period's sample again with
// another key.
func SampleKeyID(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("downline-verify-key-id/1"))
	return hex.EncodeToString(m.Sum(nil))[:16]
}

// SampleOrder returns refs sorted by their keyed rank in period (ties,
// which need a hash collision, by ref). It does not change refs.
func SampleOrder(key []byte, period string, refs []string) []string {
	type ranked struct{ rank, ref string }
	rs := make([]ranked, len(refs))
	for i, r := range refs {
		rs[i] = ranked{SampleRank(key, period, r), r}
	}
	sort.Slice(rs, func(i, j int) bool {
		if rs[i].rank != rs[j].rank {
			return rs[i].rank < rs[j].rank
		}
		return rs[i].ref < rs[j].ref
	})
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ref
	}
	return out
}

// Sample returns the period's random sample of refs at rate: the first
// SampleSize(rate, len(refs)) of SampleOrder.
func Sample(key []byte, period string, rate Ratio, refs []string) []string {
	return SampleOrder(key, period, refs)[:SampleSize(rate, len(refs))]
}
