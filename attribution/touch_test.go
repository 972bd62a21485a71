package attribution_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/downline/downline"
	"github.com/downline/downline/attribution"
)

var day0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

func days(n int) time.Time { return day0.Add(time.Duration(n) * 24 * time.Hour) }

func TestDecide(t *testing.T) {
	link, code := downline.AttributionLink, downline.AttributionCode
	// Alice (1) clicked on day 10, Bob (2) on day 40, Carol's (3) code was
	// entered on day 95. The customer signs up on day 100.
	touches := []attribution.Touch{
		{At: days(40), DistributorID: 2, Method: link, Ref: "BOB"},
		{At: days(95), DistributorID: 3, Method: code, Ref: "CAROL"},
		{At: days(10), DistributorID: 1, Method: link, Ref: "ALICE"},
	}
	deal := &attribution.Deal{ID: 7, DistributorID: 4, Domain: "acme.example"}
	tests := []struct {
		name string
		in   attribution.Input
		opt  attribution.Options
		want attribution.Decision
	}{
		{
			// Day 10 is 90 days before day 100: still in the window.
			name: "first touch at the window's edge",
			in:   attribution.Input{At: days(100), Touches: touches},
			want: attribution.Decision{DistributorID: 1, Method: link, Ref: "ALICE", Reason: "first eligible touch"},
		},
		{
			// On day 101 Alice's click is 91 days old: Bob is first.
			name: "first touch after the window",
			in:   attribution.Input{At: days(101), Touches: touches},
			want: attribution.Decision{DistributorID: 2, Method: link, Ref: "BOB", Reason: "first eligible touch"},
		},
		{
			name: "last touch",
			in:   attribution.Input{At: days(100), Touches: touches},
			opt:  attribution.Options{Model: attribution.LastTouch},
			want: attribution.Decision{DistributorID: 3, Method: code, Ref: "CAROL", Reason: "last eligible touch"},
		},
		{
			// Carol's code on day 95 is after a decision on day 50.
			name: "touches after the decision are ignored",
			in:   attribution.Input{At: days(50), Touches: touches},
			opt:  attribution.Options{Model: attribution.LastTouch},
			want: attribution.Decision{DistributorID: 2, Method: link, Ref: "BOB", Reason: "last eligible touch"},
		},
		{
			name: "custom window of 30 days",
			in:   attribution.Input{At: days(100), Touches: touches},
			opt:  attribution.Options{Window: 30 * 24 * time.Hour},
			want: attribution.Decision{DistributorID: 3, Method: code, Ref: "CAROL", Reason: "first eligible touch"},
		},
		{
			name: "bot clicks never credit",
			in: attribution.Input{At: days(100), Touches: []attribution.Touch{
				{At: days(1), DistributorID: 9, Method: link, Bot: true},
				{At: days(20), DistributorID: 2, Method: link, Ref: "BOB"}}},
			want: attribution.Decision{DistributorID: 2, Method: link, Ref: "BOB", Reason: "first eligible touch"},
		},
		{
			name: "same instant: lower id wins",
			in: attribution.Input{At: days(100), Touches: []attribution.Touch{
				{At: days(20), DistributorID: 5, Method: link}, {At: days(20), DistributorID: 2, Method: link}}},
			opt:  attribution.Options{Model: attribution.LastTouch},
			want: attribution.Decision{DistributorID: 2, Method: link, Reason: "last eligible touch"},
		},
		{
			name: "deal beats touches",
			in:   attribution.Input{At: days(100), Touches: touches, Deal: deal},
			want: attribution.Decision{DistributorID: 4, Method: downline.AttributionDeal, Ref: "acme.example", Reason: "registered deal acme.example in force"},
		},
		{
			name: "existing owner keeps renewals",
			in:   attribution.Input{At: days(100), Touches: touches, Deal: deal, Current: 6},
			want: attribution.Decision{DistributorID: 6, Reason: "customer already credited; attribution is kept for renewals"},
		},
		{
			name: "manual assignment beats all",
			in:   attribution.Input{At: days(100), Touches: touches, Deal: deal, Current: 6, Manual: 8},
			want: attribution.Decision{DistributorID: 8, Method: downline.AttributionManual, Reason: "assigned by an administrator"},
		},
		{
			name: "nothing: company",
			in:   attribution.Input{At: days(100)},
			want: attribution.Decision{Reason: "no eligible referral; credited to the company"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := attribution.Decide(tt.in, tt.opt)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Decide diff (-want +got):\n%s", diff)
			}
		})
	}
}

// The decision does not depend on the order of the touches.
func TestDecideOrderIndependent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 12).Draw(t, "n")
		var ts []attribution.Touch
		for i := range n {
			ts = append(ts, attribution.Touch{
				At:            days(rapid.IntRange(0, 120).Draw(t, "day")),
				DistributorID: downline.DistributorID(rapid.IntRange(1, 4).Draw(t, "d")),
				Method:        rapid.SampledFrom([]downline.Attribution{downline.AttributionLink, downline.AttributionCode}).Draw(t, "m"),
				Ref:           string(rune('a' + i%3)),
				Bot:           rapid.Bool().Draw(t, "bot"),
			})
		}
		model := rapid.SampledFrom([]attribution.Model{attribution.FirstTouch, attribution.LastTouch}).Draw(t, "model")
		perm := rapid.Permutation(ts).Draw(t, "perm")
		in := attribution.Input{At: days(100), Touches: ts}
		want := attribution.Decide(in, attribution.Options{Model: model})
		in.Touches = perm
		if got := attribution.Decide(in, attribution.Options{Model: model}); got != want {
			t.Fatalf("Decide(permuted) = %+v, want %+v", got, want)
		}
	})
}
