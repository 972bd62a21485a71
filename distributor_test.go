package downline_test

import (
	"testing"
	"time"

	"github.com/downline/downline"
)

func TestDistributorValidate(t *testing.T) {
	valid := func() *downline.Distributor {
		return &downline.Distributor{
			ExternalID: "D-2", SponsorRef: "D-1", PlacementParentRef: "D-1", PlacementSide: downline.SideLeft,
			ReferralCode: "ANNA", Status: downline.StatusActive, JoinedAt: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC),
			Country: "DE", Email: "anna@example.com", DisplayName: "Anna", AgreementVersion: "2026-01",
		}
	}
	tests := []struct {
		name   string
		modify func(d *downline.Distributor)
		want   string
	}{
		{"valid", func(d *downline.Distributor) {}, ""},
		{"root without sponsor", func(d *downline.Distributor) {
			d.SponsorRef, d.PlacementParentRef, d.PlacementSide = "", "", downline.SideNone
		}, ""},
		{"external id", func(d *downline.Distributor) { d.ExternalID = "" },
			`distributor "": external id must be 1 to 200 printable characters without leading or trailing spaces`},
		{"self sponsor", func(d *downline.Distributor) { d.SponsorRef = "D-2" },
			`distributor "D-2": sponsor must not be the distributor itself`},
		{"self placement", func(d *downline.Distributor) { d.PlacementParentRef = "D-2" },
			`distributor "D-2": placement parent must not be the distributor itself`},
		{"side", func(d *downline.Distributor) { d.PlacementSide = "X" },
			`distributor "D-2": placement side must be "L", "R" or empty`},
		{"side without parent", func(d *downline.Distributor) { d.PlacementParentRef = "" },
			`distributor "D-2": placement side requires a placement parent`},
		{"referral code", func(d *downline.Distributor) { d.ReferralCode = "a b" },
			`distributor "D-2": referral code must be 3 to 32 letters, digits, '-' or '_'`},
		{"status", func(d *downline.Distributor) { d.Status = "" },
			`distributor "D-2": status must be active, suspended or terminated`},
		{"joined at", func(d *downline.Distributor) { d.JoinedAt = time.Time{} },
			`distributor "D-2": joined at is required`},
		{"country", func(d *downline.Distributor) { d.Country = "de" },
			`distributor "D-2": country must be an ISO 3166-1 alpha-2 code such as DE`},
		{"email", func(d *downline.Distributor) { d.Email = "anna" },
			`distributor "D-2": email is not an email address`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := valid()
			tt.modify(d)
			checkValidation(t, d.Validate(), tt.want)
		})
	}
}

func TestDefaultReferralCode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"d-0042", "D0042"},
		{"Anna Schmidt", "ANNASCHMIDT"},
		{"x", "REFX"}, {"D-1", "REFD1"},
		{"abcdefghijklmnopqrstuvwxyz0123", "ABCDEFGHIJKLMNOPQRSTUVWX"},
	}
	for _, tt := range tests {
		if got := downline.DefaultReferralCode(tt.in); got != tt.want {
			t.Errorf("DefaultReferralCode(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
