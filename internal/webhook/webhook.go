// Package webhook delivers Downline's outgoing webhooks (distributor.enrolled,
// order.attributed, period.closed, payout.paid) from the outbox the store
// writes in the same transaction as the change. Each delivery is signed with
// the endpoint's secret (HMAC-SHA256 over "timestamp.body", the scheme
// Stripe uses, so receivers can reuse their verification code) and retried
// with exponential backoff until it succeeds or runs out of attempts.
package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The event types Downline emits.
const (
	EventDistributorEnrolled = "distributor.enrolled"
	EventOrderAttributed     = "order.attributed"
	EventPeriodClosed        = "period.closed"
	EventPayoutPaid          = "payout.paid"
)

// SignatureHeader is the request header carrying the signature.
const SignatureHeader = "Downline-Signature"

// Sign returns the SignatureHeader value for body sent at t:
// "t=<unix>,v1=<hex HMAC-SHA256(secret, "<unix>.<body>")>". Several
// secrets (during rotation) give several v1 entries.
func Sign(body []byte, t time.Time, secrets ...string) string {
	var b strings.Builder
	b.WriteString("t=" + strconv.FormatInt(t.Unix(), 10))
	for _, s := range secrets {
		b.WriteString(",v1=" + hex.EncodeToString(mac([]byte(s), t.Unix(), body)))
	}
	return b.String()
}

// Verify reports, as a nil error, whether header is a valid signature of
// body under secret, made within tolerance of now. Receivers written in Go
// can use it; it is also what the tests check deliveries with.
func Verify(body []byte, header, secret string, tolerance time.Duration, now time.Time) error {
	var (
		ts   int64
		okT  bool
		sigs [][]byte
	)
	for _, item := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(item), "=")
		switch k {
		case "t":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return fmt.Errorf("verify webhook: timestamp %q is not a unix time", v)
			}
			ts, okT = n, true
		case "v1":
			if s, err := hex.DecodeString(v); err == nil {
				sigs = append(sigs, s)
			}
		}
	}
	if !okT || len(sigs) == 0 {
		return errors.New("verify webhook: header needs t= and v1=")
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("verify webhook: timestamp is %s from now, beyond %s", d.Round(time.Second), tolerance)
	}
	want := mac([]byte(secret), ts, body)
	for _, s := range sigs {
		if hmac.Equal(want, s) {
			return nil
		}
	}
	return errors.New("verify webhook: no signature matches")
}

func mac(secret []byte, unix int64, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write(strconv.AppendInt(nil, unix, 10))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// Backoff is the retry schedule: the delay after failed attempt n (1-based)
// is Base × 2^(n−1), capped at Max. After MaxAttempts attempts a delivery
// is given up (dead) and shown to the operator.
type Backoff struct {
	Base        time.Duration // default 30 s
	Max         time.Duration // default 6 h
	MaxAttempts int           // default 12 (about 25 hours in all)
}

func (b Backoff) withDefaults() Backoff {
	if b.Base <= 0 {
		b.Base = 30 * time.Second
	}
	if b.Max <= 0 {
		b.Max = 6 * time.Hour
	}
	if b.MaxAttempts <= 0 {
		b.MaxAttempts = 12
	}
	return b
}

// Next returns when to try again after failed attempt n made at t, and
// false when n was the last attempt.
func (b Backoff) Next(n int, t time.Time) (time.Time, bool) {
	b = b.withDefaults()
	if n >= b.MaxAttempts {
		return time.Time{}, false
	}
	d := b.Base
	for i := 1; i < n && d < b.Max; i++ {
		d *= 2
	}
	return t.Add(min(d, b.Max)), true
}
