package downline

import "context"

// Role is what an actor may do in general; finer checks (a distributor may
// see its own downline only) are made by the CanX methods of the records.
type Role string

// The roles.
const (
	RoleAdmin       Role = "admin"       // operates the programme
	RoleDistributor Role = "distributor" // a participant in its back office
	RoleSystem      Role = "system"      // the program itself: imports, jobs, the demo
)

// Actor is who is acting: the user behind an HTTP request or the system for
// jobs and imports. Authorization decisions read it from the context.
type Actor struct {
	// UserID identifies the user account; zero for the system.
	UserID int64
	// Name is shown in audit records.
	Name string
	Role Role
	// DistributorID is the distributor a RoleDistributor actor acts as.
	DistributorID DistributorID
}

// IsAdmin reports whether a is an administrator or the system.
func (a *Actor) IsAdmin() bool {
	return a != nil && (a.Role == RoleAdmin || a.Role == RoleSystem)
}

type actorKey struct{}

// NewContextWithActor returns a copy of ctx that carries actor.
func NewContextWithActor(ctx context.Context, actor *Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

// ActorFromContext returns the actor carried by ctx, or nil when there is
// none (an unauthenticated request).
func ActorFromContext(ctx context.Context) *Actor {
	a, _ := ctx.Value(actorKey{}).(*Actor)
	return a
}
