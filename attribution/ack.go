package attribution

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/downline/downline"
)

// Ack is what a TX-11 acknowledgement link authorises: someone at the
// customer confirms that the distributor earns commission on its orders.
type Ack struct {
	HoldID        int64 // the store's record of the held orders
	CustomerID    downline.CustomerID
	DistributorID downline.DistributorID
	ExpiresAt     time.Time
}

// Sentinel errors of VerifyAckToken.
var (
	ErrAckMalformed = errors.New("acknowledgement link is malformed")
	ErrAckSignature = errors.New("acknowledgement link signature is invalid")
	ErrAckExpired   = errors.New("acknowledgement link has expired")
)

const ackPrefix = "ack1"

// MinAckKeyLen is the shortest accepted signing key.
const MinAckKeyLen = 32

// SignAck returns the token for an acknowledgement link: the claims in
// plain text and an HMAC-SHA256 over them, both base64url, joined by ".".
func SignAck(key []byte, a Ack) (string, error) {
	if len(key) < MinAckKeyLen {
		return "", fmt.Errorf("sign acknowledgement: key is %d bytes, want at least %d", len(key), MinAckKeyLen)
	}
	if a.HoldID <= 0 || a.CustomerID <= 0 || a.DistributorID <= 0 || a.ExpiresAt.IsZero() {
		return "", fmt.Errorf("sign acknowledgement for hold %d: hold, customer, distributor and expiry are required", a.HoldID)
	}
	claims := strings.Join([]string{ackPrefix,
		strconv.FormatInt(a.HoldID, 10),
		strconv.FormatInt(int64(a.CustomerID), 10),
		strconv.FormatInt(int64(a.DistributorID), 10),
		strconv.FormatInt(a.ExpiresAt.Unix(), 10)}, "|")
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(claims)) + "." + enc.EncodeToString(ackMAC(key, claims)), nil
}

// VerifyAckToken checks a token's signature and expiry at time now and
// returns its claims.
func VerifyAckToken(key []byte, token string, now time.Time) (Ack, error) {
	enc := base64.RawURLEncoding
	c64, s64, ok := strings.Cut(token, ".")
	if !ok {
		return Ack{}, ErrAckMalformed
	}
	claims, err1 := enc.DecodeString(c64)
	sig, err2 := enc.DecodeString(s64)
	if err1 != nil || err2 != nil {
		return Ack{}, ErrAckMalformed
	}
	// Check the MAC before parsing, so nothing unauthenticated is trusted.
	if !hmac.Equal(sig, ackMAC(key, string(claims))) {
		return Ack{}, ErrAckSignature
	}
	f := strings.Split(string(claims), "|")
	if len(f) != 5 || f[0] != ackPrefix {
		return Ack{}, ErrAckMalformed
	}
	var n [4]int64
	for i := range n {
		v, err := strconv.ParseInt(f[i+1], 10, 64)
		if err != nil {
			return Ack{}, ErrAckMalformed
		}
		n[i] = v
	}
	a := Ack{HoldID: n[0], CustomerID: downline.CustomerID(n[1]), DistributorID: downline.DistributorID(n[2]),
		ExpiresAt: time.Unix(n[3], 0).UTC()}
	if !now.Before(a.ExpiresAt) {
		return a, fmt.Errorf("%w at %s", ErrAckExpired, a.ExpiresAt.Format(time.RFC3339))
	}
	return a, nil
}

func ackMAC(key []byte, claims string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("downline TX-11 acknowledgement\x00"))
	m.Write([]byte(claims))
	return m.Sum(nil)
}

// Acknowledger is the person who follows the link.
type Acknowledger struct {
	Name  string
	Email string
}

// CheckAcknowledger reports, as a nil error, whether who may acknowledge
// for the customer org: a named person with an email in the customer's
// domain who is not the distributor. distributorEmails lists the emails of
// every distributor earning on the orders (seller and upline). It returns
// CodeForbidden otherwise, with a message safe to show to that person.
func CheckAcknowledger(who Acknowledger, org Organisation, distributorEmails []string) error {
	email := strings.ToLower(strings.TrimSpace(who.Email))
	if strings.TrimSpace(who.Name) == "" {
		return downline.Errorf(downline.CodeInvalid, "acknowledgement: your name is required")
	}
	for _, d := range distributorEmails {
		if strings.EqualFold(strings.TrimSpace(d), email) {
			return downline.Errorf(downline.CodeForbidden, "acknowledgement: the distributor cannot acknowledge their own relationship; someone else at the customer must")
		}
	}
	dom, cd := EmailDomain(email), NormalizeDomain(org.Domain)
	if cd == "" || !(dom == cd || strings.HasSuffix(dom, "."+cd)) {
		return downline.Errorf(downline.CodeForbidden, "acknowledgement: use an email address at %s", cd)
	}
	return nil
}
