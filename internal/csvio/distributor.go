package csvio

import (
	"io"
	"strings"

	"github.com/downline/downline"
)

// DistributorColumns are the columns of distributors.csv in the order the
// writer uses; the first four are required.
var DistributorColumns = []string{"id", "sponsor_id", "joined_at", "status", "placement_parent_id",
	"placement_side", "email", "display_name", "country", "referral_code"}

// distributorFields maps phrases of the domain's messages to columns.
var distributorFields = map[string]string{
	"external id": "id", "sponsor": "sponsor_id", "placement parent": "placement_parent_id",
	"placement side": "placement_side", "referral code": "referral_code", "status": "status",
	"joined at": "joined_at", "country": "country", "email": "email", "display name": "display_name",
}

// FieldOfDistributor returns the column a store error about a distributor
// is most likely about (see FieldOf).
func FieldOfDistributor(err error) string { return FieldOf(err, distributorFields) }

// DistributorRow is one distributor read from a file and where it was.
type DistributorRow struct {
	Pos         Pos
	Distributor *downline.Distributor
}

// Distributors is the outcome of reading distributors.csv.
type Distributors struct {
	Header  *Header
	Rows    []DistributorRow
	Rejects []*RowError
}

// ReadDistributors reads distributors.csv: id, sponsor_id (empty for a
// root), joined_at (RFC 3339, or YYYY-MM-DD in o.Location), status (active,
// suspended, terminated; empty means active), and the optional
// placement_parent_id, placement_side (L or R), email, display_name,
// country and referral_code. Ids are external ids. A row repeating an
// earlier id is rejected. The error is non-nil only when the file cannot be
// read at all (no header, a missing required column, an I/O error).
func ReadDistributors(file string, r io.Reader, o Options) (*Distributors, error) {
	t, err := newTable(file, r, DistributorColumns[:4])
	if err != nil {
		return nil, err
	}
	out := &Distributors{Header: t.h}
	seen := map[string]bool{}
	for {
		ok, err := t.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		if t.bad {
			continue
		}
		d := &downline.Distributor{
			ExternalID:         t.required("id"),
			SponsorRef:         t.get("sponsor_id"),
			PlacementParentRef: t.get("placement_parent_id"),
			PlacementSide:      downline.Side(strings.ToUpper(t.get("placement_side"))),
			Status:             downline.DistributorStatus(t.get("status")),
			Email:              t.get("email"),
			DisplayName:        t.get("display_name"),
			Country:            strings.ToUpper(t.get("country")),
			ReferralCode:       t.get("referral_code"),
		}
		d.JoinedAt = t.time("joined_at", loc(o), true)
		if d.Status == "" {
			d.Status = downline.StatusActive
		}
		if seen[d.ExternalID] {
			t.reject("id", "duplicate id "+quote(d.ExternalID))
		}
		if t.bad {
			continue
		}
		// Validate with a stand-in for an empty referral code, which the
		// store derives.
		check := *d
		if check.ReferralCode == "" {
			check.ReferralCode = downline.DefaultReferralCode(d.ExternalID)
		}
		t.validate(check.Validate(), distributorFields)
		if t.bad {
			continue
		}
		seen[d.ExternalID] = true
		out.Rows = append(out.Rows, DistributorRow{Pos: t.pos, Distributor: d})
	}
	out.Rejects = t.rejects
	return out, nil
}

func quote(s string) string { return `"` + s + `"` }
