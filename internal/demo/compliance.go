package demo

import (
	"context"
	"fmt"
	"strings"

	"github.com/downline/downline"
)

// The compliance cases the demo stages, so that the review pages have
// something to show. They are drawn from xrng, so the rest of the
// programme is the same with or without them:
//
//   - TX-11: a few distributors work for an organisation they sell to (their
//     email domain is the customer's domain); the intake holds those
//     customers' orders as pending_ack and raises a self_referral flag.
//   - TX-02: a couple of customer orders paid with an upline's card (the
//     card of the upline's developer subscription); the intake reclassifies
//     them as the upline's personal use and raises circular_customer.
//   - issue 6 item 8: one sponsor move that would make a cycle, refused and
//     flagged circular_sponsorship.
//
// Acknowledging a hold and verification sampling need closed periods, so
// cmd/downline (demo_compliance.go) does them after the runs.

// Hold is a TX-11 pair: a customer whose orders credited to the
// distributor wait for an acknowledgement.
type Hold struct {
	CustomerRef, DistributorRef string
}

// employee is a distributor who works for one of its customers.
type employee struct {
	dist       int    // index into builder.dists
	org, slug  string // the employer's name and domain label
	firstMonth int    // the first month the customer buys
}

var employers = []struct{ name, slug string }{
	{"Kestrel Insurance", "kestrel-insurance"},
	{"Polaris Analytics", "polaris-analytics"},
}

const circularOrders = 2

// maybeEmployee makes distributor i, now being created, work for one of
// the employers: a few active distributors who joined before the second
// month get the employer's email address.
func (b *builder) maybeEmployee(i int, d *downline.Distributor) {
	if len(b.employees) == len(employers) || i < len(b.dists)/4 || d.Status != downline.StatusActive {
		return
	}
	joined := b.monthIndex(d.JoinedAt)
	if joined > 1 || b.xrng.IntN(max(1, len(b.dists)/100)) != 0 {
		return
	}
	e := employers[len(b.employees)]
	local, _, _ := strings.Cut(d.Email, "@")
	d.Email = strings.TrimRight(local, "0123456789") + "@" + e.slug + ".example"
	b.employees = append(b.employees, employee{dist: i, org: e.name, slug: e.slug, firstMonth: max(joined+1, 2)})
}

// cardOf is the payment fingerprint of a distributor's own card.
func cardOf(d *downline.Distributor) string { return "card-" + strings.ToLower(d.ExternalID) }

// compliance stores the employers as customers of their employees with
// their monthly invoices, the orders paid with an upline's card, and tries
// the cyclic move.
func (b *builder) compliance(ctx context.Context) error {
	var cs []*downline.Customer
	var os []*downline.Order
	line := func(sku string, qty int64) []*downline.OrderLine {
		return []*downline.OrderLine{{ProductRef: sku, Quantity: qty, UnitPrice: price(sku)}}
	}
	for k, e := range b.employees {
		d := b.dists[e.dist]
		c := &downline.Customer{
			ExternalID: fmt.Sprintf("C9%04d", k+1), Name: e.org, Domain: e.slug + ".example",
			DistributorRef: d.ExternalID, Attribution: downline.AttributionDeal,
		}
		cs = append(cs, c)
		b.sum.Holds = append(b.sum.Holds, Hold{CustomerRef: c.ExternalID, DistributorRef: d.ExternalID})
		for m := e.firstMonth; m < b.opt.Months; m++ {
			os = append(os, &downline.Order{
				ExternalID:  fmt.Sprintf("INV-%s-%s", c.ExternalID, b.month(m).Format("200601")),
				CustomerRef: c.ExternalID, DistributorRef: d.ExternalID,
				Purpose: downline.PurposeCustomerDirect, Currency: "USD",
				PaidAt: b.at(m, 5+k, 10), Lines: line("SUP-PREM", 1),
			})
		}
	}
	// Orders paid with the card of the seller's sponsor, in the second
	// last month (closed in the demo, so that the sample takes them).
	byRef := make(map[string]int, len(b.dists))
	for i, d := range b.dists {
		byRef[d.ExternalID] = i
	}
	m := b.opt.Months - 2
	if len(b.custs) > 0 && m >= 0 {
		from := b.xrng.IntN(len(b.custs))
		for j := 0; j < len(b.custs) && b.sum.CircularOrders < circularOrders; j++ {
			cp := b.custs[(from+j)%len(b.custs)]
			seller := b.dists[cp.owner]
			up, ok := byRef[seller.SponsorRef]
			if !ok || !b.devBuyers[up] || cp.start > m || cp.end <= m {
				continue
			}
			os = append(os, &downline.Order{
				ExternalID:  fmt.Sprintf("SOW-%s-%s-X", cp.c.ExternalID, b.month(m).Format("200601")),
				CustomerRef: cp.c.ExternalID, DistributorRef: seller.ExternalID,
				Purpose: downline.PurposeCustomerDirect, Currency: "USD",
				PaidAt: b.at(m, 20, 14), Lines: line("CONS-DAY", 2),
				PaymentFingerprint: cardOf(b.dists[up]),
			})
			b.sum.CircularOrders++
		}
	}
	if len(cs) > 0 {
		if err := b.svc.Customers.CreateCustomers(ctx, cs); err != nil {
			return err
		}
		b.sum.Customers += len(cs)
	}
	if len(os) > 0 {
		if err := b.svc.Orders.CreateOrders(ctx, os); err != nil {
			return err
		}
		b.sum.Orders += len(os)
	}
	return b.cyclicMove(ctx)
}

// cyclicMove asks to move a distributor under someone in its own downline
// (a grandchild), which the store refuses and flags.
func (b *builder) cyclicMove(ctx context.Context) error {
	byRef := make(map[string]*downline.Distributor, len(b.dists))
	for _, d := range b.dists {
		byRef[d.ExternalID] = d
	}
	from := b.xrng.IntN(len(b.dists))
	for j := range b.dists {
		low := b.dists[(from+j)%len(b.dists)]
		mid := byRef[low.SponsorRef]
		if mid == nil || byRef[mid.SponsorRef] == nil {
			continue
		}
		top, err := b.svc.Distributors.FindDistributorByExternalID(ctx, mid.SponsorRef)
		if err != nil {
			return err
		}
		under, err := b.svc.Distributors.FindDistributorByExternalID(ctx, low.ExternalID)
		if err != nil {
			return err
		}
		_, err = b.svc.Distributors.MoveDistributor(ctx, top.ID, downline.DistributorMove{SponsorID: &under.ID})
		if downline.ErrorCode(err) != downline.CodeConflict {
			return fmt.Errorf("move %s under %s, in its downline: %v; want a refusal", top.ExternalID, low.ExternalID, err)
		}
		b.sum.RefusedMoves++
		return nil
	}
	return nil
}
