package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/demo"
	"github.com/downline/downline/internal/sqlstore"
)

// demoSampleKey keys the demo's verification samples (TX-02). It is public
// on purpose, like the demo's passwords: the demo's data is public by
// design, so anyone may recompute which orders were drawn. A real
// programme keys its samples with a secret DOWNLINE_SECRET_KEY.
const demoSampleKey = "downline-demo-public-verification-key-2026"

// The demo's verification policy: verify_sample_rate 2 %, verify_sla 30
// days.
const (
	demoSampleNum, demoSampleDen = 2, 100
	demoSLA                      = 30 * 24 * time.Hour
	demoReviewer                 = "compliance@lumen.example"
)

// demoCompliance works the compliance cases after the closes: one TX-11
// hold is acknowledged (its orders' volume goes to the open period), the
// other stays pending; every closed month gets its 2 % verification
// sample, selected a few days after the month ended (the last one five
// days ago) and mostly confirmed, with one case of the oldest sample left
// pending (now overdue), a few of the last sample pending, flagged orders'
// cases pending and one receipt of the last closed month rejected now,
// after its close, so that a clawback lands in the open period. The
// acknowledgement also comes now, so its volume lands in the open period. The store's
// clock is moved to each step's date and back, so the dates are plausible.
func demoCompliance(ctx context.Context, db *sqlstore.DB, sum demo.Summary) error {
	if len(sum.Periods) < 2 {
		return nil
	}

	clock := db.Now
	defer func() { db.Now = clock }()
	at := func(t time.Time) { db.Now = func() time.Time { return t } }
	now := clock()

	if len(sum.Holds) > 0 {
		h := sum.Holds[0]
		cs, _, err := db.FindCustomers(ctx, downline.CustomerFilter{ExternalID: &h.CustomerRef, Limit: 1})
		if err != nil || len(cs) == 0 {
			return fmt.Errorf("demo: find customer %s: %v", h.CustomerRef, err)
		}
		hold, err := db.HoldSelfDealing(ctx, cs[0].ID, cs[0].DistributorID, "")
		if err != nil {
			return fmt.Errorf("demo: hold of customer %s: %w", h.CustomerRef, err)
		}
		at(now)
		if err := db.AcknowledgeSelfDealing(ctx, hold.ID, "Morgan Reyes (procurement)", "procurement@"+cs[0].Domain); err != nil {
			return fmt.Errorf("demo: acknowledge hold %d: %w", hold.ID, err)
		}
	}

	closed := sum.Periods[:len(sum.Periods)-1]
	loc := time.UTC
	if l, err := time.LoadLocation("Europe/Berlin"); err == nil {
		loc = l
	}
	for i, period := range closed {
		last := i == len(closed)-1
		start, err := time.ParseInLocation("2006-01", period, loc)
		if err != nil {
			return fmt.Errorf("demo: period %q: %w", period, err)
		}
		selected := start.AddDate(0, 1, 3).Add(9 * time.Hour)
		if last || selected.After(now) {
			selected = now.AddDate(0, 0, -5)
		}
		at(selected)
		if _, err := db.SampleVerifications(ctx, downline.SampleRequest{Period: period, RateNum: demoSampleNum,
			RateDen: demoSampleDen, Key: []byte(demoSampleKey), SLA: demoSLA}); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		p := period
		cases, _, err := db.FindVerifications(ctx, downline.VerificationFilter{Period: &p})
		if err != nil {
			return fmt.Errorf("demo: verification cases of %s: %w", period, err)
		}
		rejected, notCalled := false, 3
		for k, c := range cases {
			d := downline.VerificationDecision{Status: downline.VerificationConfirmed, By: demoReviewer,
				Note: "customer confirmed the purchase by phone"}
			switch {
			case len(c.RiskFlagIDs) > 0: // under review
				continue
			case i == 0 && k == 0: // forgotten: overdue
				continue
			case last && !rejected && c.OriginalPurpose == downline.PurposeCustomerDirect:
				rejected = true
				d.Status, d.Note = downline.VerificationRejected, "customer has no record of this purchase"
				at(now)
			case last && notCalled > 0: // not yet called
				notCalled--
				continue
			default:
				t := selected.Add(time.Duration(2+k%12) * 24 * time.Hour)
				if last {
					t = selected.Add(time.Duration(1+k%4) * 24 * time.Hour)
				}
				if t.After(now) {
					t = now.Add(-time.Hour)
				}
				at(t)
			}
			if _, _, err := db.DecideVerification(ctx, c.ID, d); err != nil {
				return fmt.Errorf("demo: %w", err)
			}
		}
	}
	return nil
}

// printDemoCompliance summarises the compliance review queues.
func printDemoCompliance(ctx context.Context, w io.Writer, db *sqlstore.DB) error {
	flags, _, err := db.FindRiskFlags(ctx, downline.RiskFlagFilter{})
	if err != nil {
		return fmt.Errorf("demo: risk flags: %w", err)
	}
	kinds := map[string]int{}
	for _, f := range flags {
		kinds[f.Kind]++
	}
	v, err := db.VerificationSummary(ctx, "")
	if err != nil {
		return fmt.Errorf("demo: verification summary: %w", err)
	}
	pending := downline.VolumePendingAck
	_, held, err := db.FindOrders(ctx, downline.OrderFilter{VolumeState: &pending, Limit: 1})
	if err != nil {
		return fmt.Errorf("demo: held orders: %w", err)
	}
	fmt.Fprintf(w, "  %6d risk flags (%d circular customer, %d self-referral, %d circular sponsorship); %d orders held for a TX-11 acknowledgement\n",
		len(flags), kinds[sqlstore.RiskCircularCustomer], kinds[sqlstore.RiskSelfReferral], kinds[sqlstore.RiskCircularSponsorship], held)
	fmt.Fprintf(w, "  %6d receipt verifications (2 %% sample, public demo key): %d confirmed, %d rejected, %d pending (%d overdue)\n",
		v.Cases, v.Confirmed, v.Rejected, v.Pending, v.Overdue)
	return nil
}
