package sqlstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/downline/downline"
	"github.com/downline/downline/attribution"
)

// TX-02 (a)(3) at intake: a customer order paid with the payment
// instrument or from the billing address of the seller or an upline is not
// a sale to a customer. The store reclassifies it as personal use of the
// nearest matched participant (so TX-03 caps it in the run), keeps the
// original seller and purpose on the order and raises a risk flag in the
// same transaction. A participant's instruments and addresses are those of
// its own purchases (orders without a customer). Email-domain matches are
// TX-11's business (holds), not this check's.

// addressHash is what the store keeps of a billing address: the SHA-256
// of its normalised form, hex, or "" for none.
func addressHash(addr string) string {
	n := attribution.NormalizeAddress(addr)
	if n == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(n))
	return hex.EncodeToString(sum[:])
}

// reclassifyCircular applies the check to the new customer orders that
// carry a payment fingerprint or billing address, and returns the risk
// flags to write once the orders have ids.
func (in *orderInserter) reclassifyCircular(ctx context.Context, fresh []*downline.Order) (map[*downline.Order]*RiskFlag, error) {
	var flags map[*downline.Order]*RiskFlag
	for _, o := range fresh {
		if !o.Purpose.HasCustomer() {
			continue
		}
		payer := attribution.Party{}
		if o.PaymentFingerprint != "" {
			payer.PaymentFingerprints = []string{o.PaymentFingerprint}
		}
		if h := o.BillingAddressHash; h != "" {
			payer.BillingAddresses = []string{h}
		}
		if payer.PaymentFingerprints == nil && payer.BillingAddresses == nil {
			continue
		}
		chain, err := in.chains.get(ctx, in.tx, o.DistributorID)
		if err != nil {
			return nil, err
		}
		parties, ok := in.payers[o.DistributorID]
		if !ok {
			if parties, err = participantPayers(ctx, in.tx, chain); err != nil {
				return nil, err
			}
			in.payers[o.DistributorID] = parties
		}
		match, reasons := nearestMatch(chain, attribution.SelfReferralSignals(payer, parties))
		if reasons == nil {
			continue
		}
		reason := fmt.Sprintf("TX-02: %s; order %q reclassified from %s of distributor %d to personal use of distributor %d",
			strings.Join(reasons, "; "), o.ExternalID, o.Purpose, o.DistributorID, match.id)
		if flags == nil {
			flags = map[*downline.Order]*RiskFlag{}
		}
		flags[o] = &RiskFlag{Kind: RiskCircularCustomer, CustomerID: o.CustomerID, DistributorID: match.id,
			RelatedDistributorID: o.DistributorID, Reason: reason}
		o.OriginalDistributorID, o.OriginalPurpose = o.DistributorID, o.Purpose
		o.DistributorID, o.DistributorRef, o.Purpose = match.id, match.ref, downline.PurposePersonalUse
	}
	return flags, nil
}

// participantPayers returns, for each earner, the payment fingerprints and
// billing address hashes of its own purchases.
func participantPayers(ctx context.Context, tx *Tx, chain []earner) ([]attribution.Party, error) {
	// No plan pays this deep; the bound keeps the statement's parameters
	// within every engine's limit.
	chain = chain[:min(len(chain), maxInKeys)]
	args := make([]any, len(chain))
	byID := make(map[downline.DistributorID]*attribution.Party, len(chain))
	parties := make([]attribution.Party, len(chain))
	for i, e := range chain {
		args[i] = e.id
		parties[i].DistributorID = e.id
		byID[e.id] = &parties[i]
	}
	if len(chain) == 0 {
		return nil, nil
	}
	rows, err := tx.query(ctx, `SELECT DISTINCT distributor_id, payment_fingerprint, billing_address_hash FROM orders
		WHERE distributor_id IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ")+`)
		AND customer_id IS NULL AND (payment_fingerprint <> '' OR billing_address_hash <> '')`, args...)
	if err != nil {
		return nil, fmt.Errorf("payers of the upline: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d downline.DistributorID
		var fp, addr string
		if err := rows.Scan(&d, &fp, &addr); err != nil {
			return nil, fmt.Errorf("payers of the upline: %w", err)
		}
		p := byID[d]
		if fp != "" {
			p.PaymentFingerprints = append(p.PaymentFingerprints, fp)
		}
		if addr != "" {
			p.BillingAddresses = append(p.BillingAddresses, addr)
		}
	}
	return parties, rows.Err()
}
