package http

import (
	"strings"
	"testing"

	"github.com/downline/downline"
)

// FuzzDecodeOrder feeds arbitrary bodies to the order decoder and
// converter: they may refuse, with a CodeInvalid error that does not echo
// the body, but never panic or accept an order that fails Validate.
func FuzzDecodeOrder(f *testing.F) {
	f.Add([]byte(`{"external_id":"I-1","customer_id":1,"purpose":"customer_direct","currency":"EUR","paid_at":"2026-03-15T09:00:00Z","lines":[{"product_ref":"S","quantity":3,"unit_price":"49.00"}]}`))
	f.Add([]byte(`{"orders":[{"external_id":"x"}]}`))
	f.Add([]byte(`{"lines":[{"quantity":9223372036854775807,"unit_price":"92233720368547758.07"}]}`))
	f.Add([]byte(`{"unit_price":"1e9"`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := decodeBytes[orderRequest](body)
		if err != nil {
			if downline.ErrorCode(err) != downline.CodeInvalid {
				t.Fatalf("decode error code %s, want invalid", downline.ErrorCode(err))
			}
			if len(body) > 8 && strings.Contains(downline.ErrorMessage(err), string(body)) {
				t.Fatalf("error message echoes the body: %v", err)
			}
			return
		}
		o, err := req.order()
		if err != nil {
			if downline.ErrorCode(err) != downline.CodeInvalid {
				t.Fatalf("order() error code %s, want invalid", downline.ErrorCode(err))
			}
			return
		}
		if err := o.Validate(); err != nil {
			t.Fatalf("order() accepted an invalid order: %v", err)
		}
	})
}

// FuzzDecodeEnrolment checks the enrolment decoder the same way.
func FuzzDecodeEnrolment(f *testing.F) {
	f.Add([]byte(`{"referral_code":"ROOT","email":"a@b.example","password":"long enough pw","birth_date":"2000-01-01","agreement_version":"v1","accept_agreement":true}`))
	f.Add([]byte(`{"accept_agreement":"yes"}`))
	f.Add([]byte(`{"email":"x"} trailing`))
	f.Fuzz(func(t *testing.T, body []byte) {
		_, err := decodeBytes[enrolmentRequest](body)
		if err != nil && downline.ErrorCode(err) != downline.CodeInvalid {
			t.Fatalf("decode error code %s, want invalid", downline.ErrorCode(err))
		}
	})
}

// FuzzVerifyPassword feeds arbitrary stored hashes: malformed ones are
// errors, never panics or unbounded work.
func FuzzVerifyPassword(f *testing.F) {
	f.Add("$argon2id$v=19$m=64,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "pw")
	f.Add("$argon2id$v=19$m=99999999,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA", "pw")
	f.Add("$argon2id$v=19$m=64,t=1,p=0$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA", "")
	f.Fuzz(func(t *testing.T, encoded, pw string) {
		p, _, _, err := parsePasswordHash(encoded)
		if err != nil {
			return
		}
		if p.Memory > 4096 || p.Time > 3 {
			return // valid but too costly for a fuzz iteration
		}
		VerifyPassword(encoded, pw)
	})
}
