package attribution

import (
	"fmt"
	"sort"
	"time"

	"github.com/downline/downline"
)

// ReassignPolicy says where the customers of a terminated distributor go.
type ReassignPolicy string

// The reassignment policies (a plan option).
const (
	ToNearestActiveUpline ReassignPolicy = "nearest_active_upline" // default
	ToCompany             ReassignPolicy = "company"
)

// UplineMember is one distributor above the terminated one.
type UplineMember struct {
	ID     downline.DistributorID
	Status downline.DistributorStatus
}

// Move is one customer's reassignment, for the audit log.
type Move struct {
	CustomerID downline.CustomerID
	From       downline.DistributorID
	To         downline.DistributorID // zero: the company
	At         time.Time
	Reason     string
}

// NewOwner returns who takes over the customers of a terminated
// distributor: under ToNearestActiveUpline, the first active member of
// upline (nearest first, as GenealogyService.Upline returns it), or the
// company (zero) when no one above is active; under ToCompany, the company.
func NewOwner(upline []UplineMember, policy ReassignPolicy) (downline.DistributorID, string) {
	if policy == ToCompany {
		return 0, "plan passes customers of terminated distributors to the company"
	}
	for i, m := range upline {
		if m.Status == downline.StatusActive {
			return m.ID, fmt.Sprintf("nearest active upline (%d level(s) up)", i+1)
		}
	}
	return 0, "no active upline; passed to the company"
}

// Reassign returns one Move per customer of the terminated distributor
// from, ordered by customer id, all to the same new owner.
func Reassign(from downline.DistributorID, customers []downline.CustomerID, upline []UplineMember, policy ReassignPolicy, at time.Time) []Move {
	to, why := NewOwner(upline, policy)
	cs := append([]downline.CustomerID(nil), customers...)
	sort.Slice(cs, func(i, j int) bool { return cs[i] < cs[j] })
	moves := make([]Move, 0, len(cs))
	for _, c := range cs {
		moves = append(moves, Move{CustomerID: c, From: from, To: to, At: at,
			Reason: fmt.Sprintf("distributor %d terminated: %s", from, why)})
	}
	return moves
}
