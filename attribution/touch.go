// Package attribution decides which distributor a customer is credited to:
// from referral touches (link clicks, codes, coupons) under a first- or
// last-touch model, from registered deals, and by manual assignment. It also
// detects self-referral and self-dealing (TX-11), signs the acknowledgement
// links that release self-dealing holds, and reassigns the customers of a
// terminated distributor. It is pure: every input, including the time, is a
// parameter.
package attribution

import (
	"sort"
	"time"

	"github.com/downline/downline"
)

// Model chooses among several referral touches.
type Model string

// The attribution models.
const (
	FirstTouch Model = "first_touch" // the earliest touch in the window wins (default)
	LastTouch  Model = "last_touch"  // the latest touch before the decision wins
)

// DefaultWindow is how long a touch stays eligible, matching the referral
// cookie's lifetime.
const DefaultWindow = 90 * 24 * time.Hour

// Touch is one piece of evidence that a distributor referred a customer.
type Touch struct {
	At            time.Time
	DistributorID downline.DistributorID
	Method        downline.Attribution // link, code, …
	Ref           string               // what the evidence was: the code, a click id
	// Bot marks a touch from an automated client (a flagged click); it
	// is kept for review but never credits anyone.
	Bot bool
}

// Options configures Decide. The zero value means first touch with the
// default window.
type Options struct {
	Model  Model
	Window time.Duration
}

// Decision is the outcome of attribution.
type Decision struct {
	DistributorID downline.DistributorID // zero: credited to the company
	Method        downline.Attribution
	Ref           string
	Reason        string // a sentence for the audit log
}

// Input is what is known about one customer when it is attributed.
type Input struct {
	At time.Time // the decision time: sign-up or first payment
	// Current is the customer's present owner, zero if none. An owned
	// customer keeps its owner (renewals stay credited); only a manual
	// reassignment changes it.
	Current downline.DistributorID
	// Manual is an administrator's assignment, zero if none; it wins.
	Manual downline.DistributorID
	// Deal is the registered deal holding the customer's domain at At, if
	// any (see DealPolicy.Holder).
	Deal    *Deal
	Touches []Touch
}

// Decide attributes a customer. Precedence: a manual assignment, then the
// current owner, then an approved deal in force, then referral touches
// under the model; with none of these the company keeps the customer.
// Touches after At, older than the window or from bots are ignored. Ties
// in time go to the lower distributor id, so the result does not depend on
// the order of the touches.
func Decide(in Input, opt Options) Decision {
	if opt.Window <= 0 {
		opt.Window = DefaultWindow
	}
	if opt.Model == "" {
		opt.Model = FirstTouch
	}
	switch {
	case in.Manual != 0:
		return Decision{DistributorID: in.Manual, Method: downline.AttributionManual, Reason: "assigned by an administrator"}
	case in.Current != 0:
		return Decision{DistributorID: in.Current, Reason: "customer already credited; attribution is kept for renewals"}
	case in.Deal != nil:
		return Decision{DistributorID: in.Deal.DistributorID, Method: downline.AttributionDeal, Ref: in.Deal.Domain,
			Reason: "registered deal " + in.Deal.Domain + " in force"}
	}
	var eligible []Touch
	for _, t := range in.Touches {
		if t.Bot || t.DistributorID == 0 || t.At.After(in.At) || in.At.Sub(t.At) > opt.Window {
			continue
		}
		eligible = append(eligible, t)
	}
	if len(eligible) == 0 {
		return Decision{Reason: "no eligible referral; credited to the company"}
	}
	sort.Slice(eligible, func(i, j int) bool {
		a, b := eligible[i], eligible[j]
		if !a.At.Equal(b.At) {
			return a.At.Before(b.At)
		}
		if a.DistributorID != b.DistributorID {
			return a.DistributorID < b.DistributorID
		}
		if a.Method != b.Method {
			return a.Method < b.Method
		}
		return a.Ref < b.Ref
	})
	win := eligible[0]
	reason := "first eligible touch"
	if opt.Model == LastTouch {
		// The latest time; among equal times the lowest id, as above.
		last := eligible[len(eligible)-1].At
		for _, t := range eligible {
			if t.At.Equal(last) {
				win = t
				break
			}
		}
		reason = "last eligible touch"
	}
	return Decision{DistributorID: win.DistributorID, Method: win.Method, Ref: win.Ref, Reason: reason}
}
