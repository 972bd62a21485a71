package downline

// Permission names one kind of access to one kind of record, as
// "noun.verb". Every API endpoint checks exactly one.
type Permission string

// The permissions.
const (
	PermProgrammeRead   Permission = "programme.read"
	PermProgrammeUpdate Permission = "programme.update"
	PermProductRead     Permission = "product.read"
	PermProductCreate   Permission = "product.create"
	// PermDistributorList lists the whole distributor base; distributors
	// use the genealogy instead.
	PermDistributorList   Permission = "distributor.list"
	PermDistributorRead   Permission = "distributor.read"
	PermDistributorCreate Permission = "distributor.create"
	PermDistributorUpdate Permission = "distributor.update"
	// PermDistributorCancel cancels a participation inside the cooling-off
	// window with a full refund.
	PermDistributorCancel Permission = "distributor.cancel"
	// PermGenealogyRead reads a subtree, a path or a search result below a
	// distributor, each member shown under its DP-02 tier.
	PermGenealogyRead  Permission = "genealogy.read"
	PermCustomerRead   Permission = "customer.read"
	PermCustomerCreate Permission = "customer.create"
	PermOrderRead      Permission = "order.read"
	PermOrderCreate    Permission = "order.create"
	PermRefundRead     Permission = "refund.read"
	PermRefundCreate   Permission = "refund.create"
	PermAuditRead      Permission = "audit.read"
	PermUserRead       Permission = "user.read"
	PermUserCreate     Permission = "user.create"
	// PermTokenManage creates, lists and revokes one's own API tokens.
	PermTokenManage Permission = "token.manage"
	// PermPlanActivate stores a compensation plan version.
	PermPlanActivate Permission = "plan.activate"
	// PermRunRead reads commission runs (company-wide figures).
	PermRunRead Permission = "run.read"
	// PermRunCreate previews and closes periods.
	PermRunCreate Permission = "run.create"
	// PermCommissionRead reads commission lines and ledger balances of a
	// distributor: individual earnings (DP-02: never a downline's).
	PermCommissionRead Permission = "commission.read"
	// PermPayoutRead reads payout batches.
	PermPayoutRead Permission = "payout.read"
	// PermPayoutCreate releases holds, creates batches and records the
	// bank's answers.
	PermPayoutCreate Permission = "payout.create"
	// PermPayoutDetailsUpdate sets a distributor's bank and tax details.
	PermPayoutDetailsUpdate Permission = "payout_details.update"
	// PermVerificationRead lists receipt verification cases (TX-02);
	// PermVerificationDecide records their outcome. Compliance only.
	PermVerificationRead   Permission = "verification.read"
	PermVerificationDecide Permission = "verification.decide"
	// PermRiskRead lists risk flags (issue 6 item 8); PermRiskReview
	// confirms or dismisses them. Compliance (and admin) only.
	PermRiskRead   Permission = "risk.read"
	PermRiskReview Permission = "risk.review"
)

// Permissions returns every permission, in declaration order.
func Permissions() []Permission {
	return []Permission{
		PermProgrammeRead, PermProgrammeUpdate, PermProductRead, PermProductCreate,
		PermDistributorList, PermDistributorRead, PermDistributorCreate, PermDistributorUpdate,
		PermDistributorCancel, PermGenealogyRead, PermCustomerRead, PermCustomerCreate,
		PermOrderRead, PermOrderCreate, PermRefundRead, PermRefundCreate, PermAuditRead,
		PermUserRead, PermUserCreate, PermTokenManage, PermPlanActivate, PermRunRead, PermRunCreate,
		PermCommissionRead, PermPayoutRead, PermPayoutCreate, PermPayoutDetailsUpdate,
		PermVerificationRead, PermVerificationDecide, PermRiskRead, PermRiskReview,
	}
}

// IsWrite reports whether p changes state, so that an API token needs
// ScopeWrite for it.
func (p Permission) IsWrite() bool {
	switch p {
	case PermProgrammeUpdate, PermProductCreate, PermDistributorCreate, PermDistributorUpdate,
		PermDistributorCancel, PermCustomerCreate, PermOrderCreate, PermRefundCreate,
		PermUserCreate, PermTokenManage, PermPlanActivate, PermRunCreate, PermPayoutCreate,
		PermPayoutDetailsUpdate, PermVerificationDecide, PermRiskReview:
		return true
	}
	return false
}

// Relation is how the record acted on relates to a distributor actor.
type Relation int

// The relations. Staff roles ignore them.
const (
	// RelNone: the record belongs to no distributor (the programme, a
	// product) or the request names none (a list).
	RelNone Relation = iota
	// RelOwn: the actor's own distributor record, or a record credited to
	// it (its customers, orders, refunds).
	RelOwn
	// RelDownline: a distributor below the actor in the sponsor tree, or a
	// record credited to one.
	RelDownline
	// RelOther: anything else: siblings, uplines, strangers and their
	// records.
	RelOther
)

// String returns the relation's name.
func (r Relation) String() string {
	return [...]string{"none", "own", "downline", "other"}[r]
}

// Relations returns every relation.
func Relations() []Relation { return []Relation{RelNone, RelOwn, RelDownline, RelOther} }

// Roles returns every role a user may hold.
func Roles() []Role {
	return []Role{RoleAdmin, RoleFinance, RoleCompliance, RoleSupport, RoleDistributor}
}

// Allowed reports whether role may use permission p on a record in
// relation rel to the actor. It is the whole authorisation policy:
//
//   - admin (and the system) may do everything;
//   - finance, compliance and support read everything except the audit log
//     and the user accounts, which only compliance (audit) and admin read;
//     support, read-only help, sees no earnings, runs or payouts either;
//     finance also records orders and refunds, runs and closes periods and
//     pays out; only compliance reads and decides receipt verifications
//     and reads and reviews risk flags;
//   - every signed-in user manages its own API tokens;
//   - a distributor reads the programme and catalogue; reads and edits its
//     own record and cancels its own participation; reads its downline's
//     distributor records and genealogy (the API then applies the DP-02
//     tiers); reads its own customers, orders and refunds and registers
//     its own customers; reads its own commission lines and balance and
//     sets its own payout details. It never reaches siblings, uplines or
//     strangers, nor a downline's customers, orders, refunds or earnings
//     (DP-02).
func Allowed(role Role, p Permission, rel Relation) bool {
	switch role {
	case RoleAdmin, RoleSystem:
		return true
	case RoleFinance, RoleCompliance, RoleSupport:
		switch p {
		case PermTokenManage:
			return true
		case PermAuditRead:
			return role == RoleCompliance
		case PermUserRead, PermUserCreate:
			return false
		case PermOrderCreate, PermRefundCreate, PermRunCreate, PermPayoutCreate:
			return role == RoleFinance
		case PermRunRead, PermCommissionRead, PermPayoutRead:
			return role != RoleSupport
		case PermVerificationRead, PermVerificationDecide, PermRiskRead, PermRiskReview:
			return role == RoleCompliance
		}
		return !p.IsWrite()
	case RoleDistributor:
		switch p {
		case PermProgrammeRead, PermProductRead, PermTokenManage:
			return true
		case PermDistributorRead, PermGenealogyRead:
			return rel == RelOwn || rel == RelDownline
		case PermDistributorUpdate, PermDistributorCancel, PermCustomerRead, PermCustomerCreate,
			PermOrderRead, PermRefundRead, PermCommissionRead, PermPayoutDetailsUpdate:
			return rel == RelOwn
		}
	}
	return false
}

// Can reports whether a may use permission p on a record in relation rel
// to it. A nil actor (not signed in) may do nothing.
func (a *Actor) Can(p Permission, rel Relation) bool {
	return a != nil && Allowed(a.Role, p, rel)
}

// RelationOf returns the relation of a distributor record to a: RelOwn for
// a's own distributor, RelDownline when a's distributor is in upline (the
// target's sponsors, nearest first), RelOther otherwise. Staff actors get
// RelNone: their access does not depend on the tree.
func (a *Actor) RelationOf(target DistributorID, upline []DistributorID) Relation {
	if a == nil || a.Role != RoleDistributor {
		return RelNone
	}
	if target == a.DistributorID {
		return RelOwn
	}
	for _, u := range upline {
		if u == a.DistributorID {
			return RelDownline
		}
	}
	return RelOther
}

// DepthBelow returns how many sponsor steps target is below a's
// distributor given target's upline (nearest first): 0 for itself, 1 for
// the frontline, -1 when target is not in a's downline.
func (a *Actor) DepthBelow(target DistributorID, upline []DistributorID) int {
	if a == nil {
		return -1
	}
	if target == a.DistributorID {
		return 0
	}
	for i, u := range upline {
		if u == a.DistributorID {
			return i + 1
		}
	}
	return -1
}
