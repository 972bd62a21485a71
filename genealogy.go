package downline

import (
	"context"
	"time"
)

// TreeNode is one distributor's position in the trees as it stood at the
// end of a period: the input the commission engine evaluates.
type TreeNode struct {
	ID                DistributorID
	SponsorID         DistributorID // zero for a root
	PlacementParentID DistributorID // zero when unplaced
	PlacementSide     Side
	JoinedAt          time.Time
	Status            DistributorStatus
}

// DownlineMember is one distributor below another, at Depth sponsor steps
// (1 for the frontline).
type DownlineMember struct {
	ID        DistributorID
	SponsorID DistributorID
	Depth     int
}

// GenealogyService answers questions about the sponsor tree. Changes are
// effective-dated: a move made in a period applies from that period on and
// never rewrites earlier ones.
type GenealogyService interface {
	// Upline returns id's sponsor, its sponsor and so on up to a root, in
	// the current tree, nearest first. Returns CodeNotFound.
	Upline(ctx context.Context, id DistributorID) ([]DistributorID, error)

	// Downline returns everyone below id in the current sponsor tree down
	// to maxDepth levels (0 for all), ordered by depth then ID. Returns
	// CodeNotFound.
	Downline(ctx context.Context, id DistributorID, maxDepth int) ([]DownlineMember, error)

	// SponsorTreeAt streams the tree as it stood at the end of the named
	// period ("YYYY-MM"): every distributor who joined before the period's
	// end, with the sponsor, placement and status then in force, ordered
	// by ID. fn must not call back into the store. Returns CodeInvalid for
	// a bad period name and fn's error unchanged.
	SponsorTreeAt(ctx context.Context, period string, fn func(TreeNode) error) error
}
