package stripe

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

// DefaultTolerance is how far a signature's timestamp may lie from the
// verifier's clock, the value Stripe's own libraries use.
const DefaultTolerance = 300 * time.Second

// Sentinel errors returned (wrapped) by Verifier.Verify. The webhook handler
// answers all of them with 400; callers branch on them only for logging.
var (
	ErrNoHeader            = errors.New("no Stripe-Signature header")
	ErrMalformedHeader     = errors.New("malformed Stripe-Signature header")
	ErrNoTimestamp         = errors.New("Stripe-Signature header has no timestamp")
	ErrNoSignatures        = errors.New("Stripe-Signature header has no v1 signature")
	ErrTimestampOutOfRange = errors.New("Stripe-Signature timestamp is outside the tolerance")
	ErrNoMatchingSignature = errors.New("no v1 signature matches any endpoint secret")
)

// SignatureHeader is a parsed Stripe-Signature header: the timestamp and
// every v1 signature. Other schemes (v0, future versions) are ignored, as
// Stripe's own libraries do.
type SignatureHeader struct {
	Timestamp  time.Time
	Signatures [][]byte // decoded HMAC-SHA256 digests, in header order
}

// ParseSignatureHeader parses a header of the form
// "t=1492774577,v1=5257a8…,v1=…,v0=…". It needs exactly one timestamp and
// at least one well-formed v1 signature.
func ParseSignatureHeader(h string) (SignatureHeader, error) {
	var sh SignatureHeader
	if strings.TrimSpace(h) == "" {
		return sh, ErrNoHeader
	}
	seenT := false
	for _, item := range strings.Split(h, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(item), "=")
		if !ok {
			return SignatureHeader{}, fmt.Errorf("%w: item %q has no '='", ErrMalformedHeader, item)
		}
		switch k {
		case "t":
			if seenT {
				return SignatureHeader{}, fmt.Errorf("%w: more than one timestamp", ErrMalformedHeader)
			}
			secs, err := strconv.ParseInt(v, 10, 64)
			if err != nil || secs < 0 {
				return SignatureHeader{}, fmt.Errorf("%w: timestamp %q is not a unix time", ErrMalformedHeader, v)
			}
			sh.Timestamp = time.Unix(secs, 0).UTC()
			seenT = true
		case "v1":
			sig, err := hex.DecodeString(v)
			if err != nil || len(sig) != sha256.Size {
				// A garbled signature cannot match; skipping it keeps a
				// header with one good and one bad v1 verifiable.
				continue
			}
			sh.Signatures = append(sh.Signatures, sig)
		}
	}
	if !seenT {
		return SignatureHeader{}, ErrNoTimestamp
	}
	if len(sh.Signatures) == 0 {
		return SignatureHeader{}, ErrNoSignatures
	}
	return sh, nil
}

// Verifier checks Stripe-Signature headers against one or more endpoint
// secrets. Several secrets allow rotation: Stripe signs with both the old
// and the new secret while a rotation is in progress, and the endpoint
// accepts either.
type Verifier struct {
	secrets   [][]byte
	tolerance time.Duration
	now       func() time.Time
}

// NewVerifier returns a Verifier for the given endpoint secrets (the
// "whsec_…" strings, used as-is as HMAC keys). A tolerance of zero means
// DefaultTolerance; now is the injected clock.
func NewVerifier(secrets []string, tolerance time.Duration, now func() time.Time) (*Verifier, error) {
	if len(secrets) == 0 {
		return nil, errors.New("new verifier: no endpoint secret")
	}
	if now == nil {
		return nil, errors.New("new verifier: no clock")
	}
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	v := &Verifier{tolerance: tolerance, now: now}
	for i, s := range secrets {
		if s == "" {
			return nil, fmt.Errorf("new verifier: secret %d is empty", i)
		}
		v.secrets = append(v.secrets, []byte(s))
	}
	return v, nil
}

// Verify reports, as a nil error, whether header carries a valid signature
// of payload, the raw request body exactly as received. The timestamp must
// lie within the tolerance of the clock in either direction: a stale one
// may be a replay, and one far in the future a forgery or a broken clock.
func (v *Verifier) Verify(payload []byte, header string) error {
	sh, err := ParseSignatureHeader(header)
	if err != nil {
		return err
	}
	age := v.now().Sub(sh.Timestamp)
	if age > v.tolerance || age < -v.tolerance {
		return fmt.Errorf("%w: signed at %s, %s from now (tolerance %s)",
			ErrTimestampOutOfRange, sh.Timestamp.Format(time.RFC3339), age.Round(time.Second), v.tolerance)
	}
	// Every secret is compared with every signature, without stopping
	// early, so the time taken does not reveal which one matched.
	match := 0
	for _, secret := range v.secrets {
		want := computeSignature(secret, sh.Timestamp.Unix(), payload)
		for _, sig := range sh.Signatures {
			if hmac.Equal(want, sig) {
				match++
			}
		}
	}
	if match == 0 {
		return fmt.Errorf("%w (%d signatures, %d secrets)", ErrNoMatchingSignature, len(sh.Signatures), len(v.secrets))
	}
	return nil
}

// Sign returns a Stripe-Signature header value for payload signed at t with
// each of secrets, the way Stripe signs webhook deliveries. Tests and the
// webhook replay tool use it; production code only verifies.
func Sign(payload []byte, t time.Time, secrets ...string) string {
	var b strings.Builder
	b.WriteString("t=")
	b.WriteString(strconv.FormatInt(t.Unix(), 10))
	for _, s := range secrets {
		b.WriteString(",v1=")
		b.WriteString(hex.EncodeToString(computeSignature([]byte(s), t.Unix(), payload)))
	}
	return b.String()
}

// computeSignature is HMAC-SHA256(secret, "<unix seconds>.<payload>").
func computeSignature(secret []byte, unix int64, payload []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write(strconv.AppendInt(nil, unix, 10))
	m.Write([]byte{'.'})
	m.Write(payload)
	return m.Sum(nil)
}
