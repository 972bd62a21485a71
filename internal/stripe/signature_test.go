package stripe_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/downline/downline/internal/stripe"
)

// The digests below were computed independently with Python:
// hmac.new(secret, b'1700000000.{"id":"evt_1"}', hashlib.sha256).hexdigest()
const (
	examplePayload = `{"id":"evt_1"}`
	exampleSigNew  = "248a374f50f943a28b0f6ab50faf9a7e7e29b710fa26df9fb1618b9bf8ea9c9a" // whsec_test_secret
	exampleSigOld  = "ef1b1b7e4b312671a75ef2a03e10529f7834a6528a49db77ad6568c8c8017843" // whsec_old
)

var exampleTime = time.Unix(1700000000, 0).UTC()

func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

func TestSignMatchesIndependentDigest(t *testing.T) {
	got := stripe.Sign([]byte(examplePayload), exampleTime, "whsec_test_secret", "whsec_old")
	want := "t=1700000000,v1=" + exampleSigNew + ",v1=" + exampleSigOld
	if got != want {
		t.Errorf("Sign = %q, want %q", got, want)
	}
}

func TestVerify(t *testing.T) {
	garbage := strings.Repeat("ab", 32)
	tests := []struct {
		name    string
		secrets []string
		now     time.Time
		payload string
		header  string
		wantErr error // nil: accepted
	}{
		{"one signature", []string{"whsec_test_secret"}, exampleTime, examplePayload,
			"t=1700000000,v1=" + exampleSigNew, nil},
		{"second of two signatures matches", []string{"whsec_test_secret"}, exampleTime, examplePayload,
			"t=1700000000,v1=" + garbage + ",v1=" + exampleSigNew, nil},
		{"v0 and unknown schemes are ignored", []string{"whsec_test_secret"}, exampleTime, examplePayload,
			"t=1700000000,v0=" + garbage + ",v1=" + exampleSigNew + ",v9=zz", nil},
		{"rotation: old secret still accepted", []string{"whsec_test_secret", "whsec_old"}, exampleTime, examplePayload,
			"t=1700000000,v1=" + exampleSigOld, nil},
		{"rotation: old secret removed", []string{"whsec_test_secret"}, exampleTime, examplePayload,
			"t=1700000000,v1=" + exampleSigOld, stripe.ErrNoMatchingSignature},
		// 1700000300 - 1700000000 = 300 s = tolerance: still accepted.
		{"exactly at tolerance", []string{"whsec_test_secret"}, exampleTime.Add(300 * time.Second), examplePayload,
			"t=1700000000,v1=" + exampleSigNew, nil},
		{"stale by one second", []string{"whsec_test_secret"}, exampleTime.Add(301 * time.Second), examplePayload,
			"t=1700000000,v1=" + exampleSigNew, stripe.ErrTimestampOutOfRange},
		{"from the future", []string{"whsec_test_secret"}, exampleTime.Add(-301 * time.Second), examplePayload,
			"t=1700000000,v1=" + exampleSigNew, stripe.ErrTimestampOutOfRange},
		{"tampered body", []string{"whsec_test_secret"}, exampleTime, `{"id":"evt_2"}`,
			"t=1700000000,v1=" + exampleSigNew, stripe.ErrNoMatchingSignature},
		{"timestamp moved", []string{"whsec_test_secret"}, exampleTime, examplePayload,
			"t=1700000001,v1=" + exampleSigNew, stripe.ErrNoMatchingSignature},
		{"no header", []string{"whsec_test_secret"}, exampleTime, examplePayload, "", stripe.ErrNoHeader},
		{"no timestamp", []string{"whsec_test_secret"}, exampleTime, examplePayload,
			"v1=" + exampleSigNew, stripe.ErrNoTimestamp},
		{"no v1", []string{"whsec_test_secret"}, exampleTime, examplePayload,
			"t=1700000000,v0=" + exampleSigNew, stripe.ErrNoSignatures},
		{"only malformed v1", []string{"whsec_test_secret"}, exampleTime, examplePayload,
			"t=1700000000,v1=nothex", stripe.ErrNoSignatures},
		{"timestamp not a number", []string{"whsec_test_secret"}, exampleTime, examplePayload,
			"t=soon,v1=" + exampleSigNew, stripe.ErrMalformedHeader},
		{"two timestamps", []string{"whsec_test_secret"}, exampleTime, examplePayload,
			"t=1700000000,t=1700000000,v1=" + exampleSigNew, stripe.ErrMalformedHeader},
		{"item without '='", []string{"whsec_test_secret"}, exampleTime, examplePayload,
			"t=1700000000,v1", stripe.ErrMalformedHeader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, err := stripe.NewVerifier(tt.secrets, 0, fixedClock(tt.now))
			if err != nil {
				t.Fatal(err)
			}
			err = v.Verify([]byte(tt.payload), tt.header)
			if tt.wantErr == nil && err != nil {
				t.Fatalf("Verify = %v, want nil", err)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("Verify = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestNewVerifierRejectsBadConfig(t *testing.T) {
	clock := fixedClock(exampleTime)
	if _, err := stripe.NewVerifier(nil, 0, clock); err == nil {
		t.Error("NewVerifier(no secrets) = nil error")
	}
	if _, err := stripe.NewVerifier([]string{"a", ""}, 0, clock); err == nil {
		t.Error("NewVerifier(empty secret) = nil error")
	}
	if _, err := stripe.NewVerifier([]string{"a"}, 0, nil); err == nil {
		t.Error("NewVerifier(no clock) = nil error")
	}
}

// Any payload signed with any of the endpoint's secrets verifies, and
// changing one byte of it makes verification fail.
func TestSignVerifyProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		secrets := rapid.SliceOfN(rapid.StringMatching(`whsec_[a-zA-Z0-9]{1,20}`), 1, 3).Draw(t, "secrets")
		payload := rapid.SliceOfN(rapid.Byte(), 1, 200).Draw(t, "payload")
		signer := rapid.IntRange(0, len(secrets)-1).Draw(t, "signer")
		skew := time.Duration(rapid.IntRange(-300, 300).Draw(t, "skew")) * time.Second
		v, err := stripe.NewVerifier(secrets, 0, fixedClock(exampleTime.Add(skew)))
		if err != nil {
			t.Fatal(err)
		}
		h := stripe.Sign(payload, exampleTime, secrets[signer])
		if err := v.Verify(payload, h); err != nil {
			t.Fatalf("Verify(signed) = %v", err)
		}
		i := rapid.IntRange(0, len(payload)-1).Draw(t, "flip")
		tampered := append([]byte(nil), payload...)
		tampered[i] ^= 0x01
		if err := v.Verify(tampered, h); !errors.Is(err, stripe.ErrNoMatchingSignature) {
			t.Fatalf("Verify(tampered) = %v, want ErrNoMatchingSignature", err)
		}
	})
}

func FuzzParseSignatureHeader(f *testing.F) {
	f.Add("t=1700000000,v1=" + exampleSigNew)
	f.Add("t=1700000000,v1=" + exampleSigNew + ",v1=" + exampleSigOld + ",v0=00")
	f.Add("")
	f.Add("t=,v1=")
	f.Add("t=-1,v1=zz,,=")
	f.Fuzz(func(t *testing.T, h string) {
		sh, err := stripe.ParseSignatureHeader(h)
		if err != nil {
			return
		}
		if len(sh.Signatures) == 0 {
			t.Fatalf("ParseSignatureHeader(%q) accepted a header without signatures", h)
		}
		for _, s := range sh.Signatures {
			if len(s) != 32 {
				t.Fatalf("ParseSignatureHeader(%q) kept a %d-byte signature", h, len(s))
			}
		}
		// Whatever parses must also be verifiable without panicking.
		v, _ := stripe.NewVerifier([]string{"whsec_test_secret"}, 0, fixedClock(exampleTime))
		_ = v.Verify([]byte(examplePayload), h)
	})
}
