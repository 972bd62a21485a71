package demo

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/downline/downline"
)

// customerPlan is one customer organisation and how it buys: a monthly
// subscription from its first month until it churns.
type customerPlan struct {
	c        *downline.Customer
	owner    int // index into builder.dists
	start    int // first month with an invoice
	end      int // first month without one (Months when it never churns)
	sku      string
	qty      int64
	billDay  int
	billHour int
}

const (
	sellerShare   = 0.45 // share of active distributors who refer customers
	monthlyChurn  = 0.03
	personalShare = 0.12 // share of active distributors on a developer subscription
	refundShare   = 0.02
)

// customers gives a heavy-tailed number of customer organisations to the
// distributors who sell: most refer one or two, a few refer dozens.
func (b *builder) customers(ctx context.Context) error {
	var all []*downline.Customer
	for i, d := range b.dists {
		if d.Status != downline.StatusActive || b.rng.Float64() >= sellerShare {
			continue
		}
		k := int(math.Pow(1-b.rng.Float64(), -1/1.3))
		if k > 40 {
			k = 40
		}
		joined := b.monthIndex(d.JoinedAt)
		for j := 0; j < k; j++ {
			n := len(all) + 1
			name := fmt.Sprintf("%s %s", b.pick(orgFirst), b.pick(orgSecond))
			c := &downline.Customer{
				ExternalID:     fmt.Sprintf("C%05d", n),
				Name:           name,
				Domain:         fmt.Sprintf("%s-%d.example", strings.ToLower(strings.ReplaceAll(name, " ", "-")), n),
				DistributorRef: d.ExternalID,
				Attribution:    []downline.Attribution{downline.AttributionLink, downline.AttributionLink, downline.AttributionCode, downline.AttributionDeal}[b.rng.IntN(4)],
			}
			start := max(joined+1, b.rng.IntN(b.opt.Months+3)-3) // some were customers before the window
			if start < 0 {
				start = 0
			}
			if start >= b.opt.Months {
				continue
			}
			cp := &customerPlan{c: c, owner: i, start: start, end: b.opt.Months,
				billDay: 1 + b.rng.IntN(27), billHour: 8 + b.rng.IntN(10)}
			for m := start + 1; m < b.opt.Months; m++ {
				if b.rng.Float64() < monthlyChurn {
					cp.end = m
					break
				}
			}
			switch r := b.rng.Float64(); {
			case r < 0.45:
				cp.sku, cp.qty = "SUP-STD", 1
			case r < 0.65:
				cp.sku, cp.qty = "SUP-PREM", 1
			default:
				cp.sku, cp.qty = "ENT-NODE", int64(2+b.rng.IntN(18))
			}
			all = append(all, c)
			b.custs = append(b.custs, cp)
		}
	}
	for lo := 0; lo < len(all); lo += batchSize {
		hi := min(lo+batchSize, len(all))
		if err := b.svc.Customers.CreateCustomers(ctx, all[lo:hi]); err != nil {
			return err
		}
		b.sum.Customers = hi
		b.opt.Progress("customers", hi, len(all))
	}
	return nil
}

// monthIndex returns which month of the window t falls in: negative before
// the first, Months or more after the last.
func (b *builder) monthIndex(t time.Time) int {
	t = t.In(b.loc)
	return (t.Year()-b.first.Year())*12 + int(t.Month()) - int(b.first.Month())
}

// at returns a payment time in month m on the given day and hour.
func (b *builder) at(m, day, hour int) time.Time {
	s := b.month(m)
	return time.Date(s.Year(), s.Month(), day, hour, b.rng.IntN(60), 0, 0, b.loc)
}

// orders creates the monthly invoices of every customer, occasional
// consulting and training, the developer subscriptions some distributors
// buy for their own use, a few tool purchases, and refunds.
func (b *builder) orders(ctx context.Context) error {
	var os []*downline.Order
	add := func(o *downline.Order) { os = append(os, o) }
	line := func(sku string, qty int64) []*downline.OrderLine {
		return []*downline.OrderLine{{ProductRef: sku, Quantity: qty, UnitPrice: price(sku)}}
	}
	for _, cp := range b.custs {
		owner := b.dists[cp.owner].ExternalID
		for m := cp.start; m < cp.end; m++ {
			add(&downline.Order{
				ExternalID:  fmt.Sprintf("INV-%s-%s", cp.c.ExternalID, b.month(m).Format("200601")),
				CustomerRef: cp.c.ExternalID, DistributorRef: owner,
				Purpose: downline.PurposeCustomerDirect, Currency: "USD",
				PaidAt: b.at(m, cp.billDay, cp.billHour), Lines: line(cp.sku, cp.qty),
			})
			if b.rng.Float64() < 0.05 {
				add(&downline.Order{
					ExternalID:  fmt.Sprintf("SOW-%s-%s", cp.c.ExternalID, b.month(m).Format("200601")),
					CustomerRef: cp.c.ExternalID, DistributorRef: owner,
					Purpose: downline.PurposeCustomerDirect, Currency: "USD",
					PaidAt: b.at(m, 1+b.rng.IntN(27), 9+b.rng.IntN(8)), Lines: line("CONS-DAY", int64(1+b.rng.IntN(4))),
				})
			}
			if b.rng.Float64() < 0.02 {
				add(&downline.Order{
					ExternalID:  fmt.Sprintf("TRN-%s-%s", cp.c.ExternalID, b.month(m).Format("200601")),
					CustomerRef: cp.c.ExternalID, DistributorRef: owner,
					Purpose: downline.PurposeCustomerDirect, Currency: "USD",
					PaidAt: b.at(m, 1+b.rng.IntN(27), 9+b.rng.IntN(8)), Lines: line("TRAIN-ADM", 1),
				})
			}
		}
	}
	for i, d := range b.dists {
		if d.Status != downline.StatusActive {
			continue
		}
		joined := b.monthIndex(d.JoinedAt)
		if b.rng.Float64() < personalShare {
			day := 1 + b.rng.IntN(27)
			for m := max(0, joined+1); m < b.opt.Months; m++ {
				add(&downline.Order{
					ExternalID:     fmt.Sprintf("DEV-%s-%s", d.ExternalID, b.month(m).Format("200601")),
					DistributorRef: d.ExternalID, Purpose: downline.PurposePersonalUse, Currency: "USD",
					PaidAt: b.at(m, day, 12), Lines: line("DEV-SUB", 1),
					PaymentFingerprint: cardOf(d),
				})
				if b.devBuyers == nil {
					b.devBuyers = map[int]bool{}
				}
				b.devBuyers[i] = true
			}
		}
		if m := max(0, joined); m < b.opt.Months && b.rng.Float64() < 0.04 {
			add(&downline.Order{
				ExternalID: fmt.Sprintf("TOOL-%s", d.ExternalID), DistributorRef: d.ExternalID,
				Purpose: downline.PurposeNonCommissionable, Currency: "USD",
				PaidAt: b.at(m, 1+b.rng.IntN(27), 15), Lines: line("TOOL-MIG", 1),
			})
		}
	}
	for lo := 0; lo < len(os); lo += batchSize {
		hi := min(lo+batchSize, len(os))
		if err := b.svc.Orders.CreateOrders(ctx, os[lo:hi]); err != nil {
			return err
		}
		b.sum.Orders = hi
		b.opt.Progress("orders", hi, len(os))
	}
	return b.refunds(ctx, os)
}

// refunds refunds about 2 % of the customer invoices a few days after
// payment: most in full, some in part (a partial month of service).
func (b *builder) refunds(ctx context.Context, os []*downline.Order) error {
	end := b.month(b.opt.Months)
	var rs []*downline.Refund
	for _, o := range os {
		if o.Purpose != downline.PurposeCustomerDirect || b.rng.Float64() >= refundShare {
			continue
		}
		at := o.PaidAt.Add(time.Duration(2+b.rng.IntN(20)) * 24 * time.Hour)
		if !at.Before(end) {
			continue
		}
		r := &downline.Refund{ExternalID: "RF-" + o.ExternalID, OrderRef: o.ExternalID, RefundedAt: at,
			Reason: "customer cancelled", Full: true}
		if b.rng.Float64() < 0.4 {
			l := o.Lines[0]
			r.Full = false
			r.Reason = "partial month credited"
			r.Lines = []downline.RefundLine{{LineNo: 1, Amount: l.Amount() / 2, CV: l.TotalCV() / 2, QV: l.TotalQV() / 2}}
		}
		rs = append(rs, r)
	}
	for lo := 0; lo < len(rs); lo += batchSize {
		hi := min(lo+batchSize, len(rs))
		if err := b.svc.Refunds.CreateRefunds(ctx, rs[lo:hi]); err != nil {
			return err
		}
		b.sum.Refunds = hi
		b.opt.Progress("refunds", hi, len(rs))
	}
	return nil
}

func price(sku string) int64 {
	for _, p := range catalogue {
		if p.ExternalID == sku {
			return p.RetailPrice
		}
	}
	panic("demo: unknown sku " + sku) // programmer error: the catalogue is fixed
}
