package downline_test

import (
	"testing"

	"github.com/downline/downline"
)

func TestAllowedDistributor(t *testing.T) {
	t.Parallel()
	// The distributor rows of the policy, spelled out: own, downline, other.
	tests := []struct {
		p                     downline.Permission
		own, downline, others bool
	}{
		{downline.PermDistributorRead, true, true, false},
		{downline.PermGenealogyRead, true, true, false},
		{downline.PermDistributorUpdate, true, false, false},
		{downline.PermDistributorCancel, true, false, false},
		{downline.PermCustomerRead, true, false, false},
		{downline.PermOrderRead, true, false, false},
		{downline.PermRefundRead, true, false, false},
		{downline.PermCustomerCreate, true, false, false},
		{downline.PermOrderCreate, false, false, false},
		{downline.PermRefundCreate, false, false, false},
		{downline.PermDistributorList, false, false, false},
		{downline.PermDistributorCreate, false, false, false},
		{downline.PermAuditRead, false, false, false},
		{downline.PermUserRead, false, false, false},
		{downline.PermProductCreate, false, false, false},
		{downline.PermCommissionRead, true, false, false},
		{downline.PermPayoutDetailsUpdate, true, false, false},
		{downline.PermRunRead, false, false, false},
		{downline.PermRunCreate, false, false, false},
		{downline.PermPayoutCreate, false, false, false},
		{downline.PermPlanActivate, false, false, false},
		{downline.PermVerificationRead, false, false, false},
		{downline.PermVerificationDecide, false, false, false},
		{downline.PermRiskRead, false, false, false},
		{downline.PermRiskReview, false, false, false},
	}
	for _, tt := range tests {
		for rel, want := range map[downline.Relation]bool{downline.RelOwn: tt.own, downline.RelDownline: tt.downline, downline.RelOther: tt.others} {
			if got := downline.Allowed(downline.RoleDistributor, tt.p, rel); got != want {
				t.Errorf("Allowed(distributor, %s, %s) = %v, want %v", tt.p, rel, got, want)
			}
		}
	}
}

func TestAllowedStaff(t *testing.T) {
	t.Parallel()
	for _, p := range downline.Permissions() {
		if !downline.Allowed(downline.RoleAdmin, p, downline.RelOther) {
			t.Errorf("Allowed(admin, %s) = false, want true", p)
		}
		// Support is read-only apart from its own tokens, and sees no
		// earnings.
		earnings := p == downline.PermRunRead || p == downline.PermCommissionRead || p == downline.PermPayoutRead
		verification := p == downline.PermVerificationRead || p == downline.PermVerificationDecide ||
			p == downline.PermRiskRead || p == downline.PermRiskReview
		if got, want := downline.Allowed(downline.RoleSupport, p, downline.RelNone),
			!p.IsWrite() && p != downline.PermAuditRead && p != downline.PermUserRead && !earnings && !verification ||
				p == downline.PermTokenManage; got != want {
			t.Errorf("Allowed(support, %s) = %v, want %v", p, got, want)
		}
	}
	if !downline.Allowed(downline.RoleFinance, downline.PermRefundCreate, downline.RelNone) {
		t.Error("finance may not create refunds")
	}
	if downline.Allowed(downline.RoleFinance, downline.PermAuditRead, downline.RelNone) {
		t.Error("finance may read the audit log")
	}
	if !downline.Allowed(downline.RoleCompliance, downline.PermAuditRead, downline.RelNone) {
		t.Error("compliance may not read the audit log")
	}
	// Receipt verification (TX-02) and the risk review queue are
	// compliance's alone among staff.
	for _, role := range []downline.Role{downline.RoleFinance, downline.RoleCompliance, downline.RoleSupport} {
		for _, p := range []downline.Permission{downline.PermVerificationRead, downline.PermVerificationDecide,
			downline.PermRiskRead, downline.PermRiskReview} {
			if got, want := downline.Allowed(role, p, downline.RelNone), role == downline.RoleCompliance; got != want {
				t.Errorf("Allowed(%s, %s) = %v, want %v", role, p, got, want)
			}
		}
	}
	var nobody *downline.Actor
	if nobody.Can(downline.PermProgrammeRead, downline.RelNone) {
		t.Error("a nil actor may read the programme")
	}
}

func TestRelationOf(t *testing.T) {
	t.Parallel()
	a := &downline.Actor{Role: downline.RoleDistributor, DistributorID: 5}
	up := []downline.DistributorID{9, 5, 1} // target 12's sponsor is 9, whose sponsor is 5
	if got := a.RelationOf(12, up); got != downline.RelDownline {
		t.Errorf("RelationOf(12) = %s, want downline", got)
	}
	if got := a.DepthBelow(12, up); got != 2 {
		t.Errorf("DepthBelow(12) = %d, want 2", got)
	}
	if got := a.RelationOf(5, []downline.DistributorID{1}); got != downline.RelOwn {
		t.Errorf("RelationOf(5) = %s, want own", got)
	}
	// A sibling (same sponsor 1) and the upline are other.
	if got := a.RelationOf(6, []downline.DistributorID{1}); got != downline.RelOther {
		t.Errorf("RelationOf(sibling) = %s, want other", got)
	}
	if got := a.RelationOf(1, nil); got != downline.RelOther {
		t.Errorf("RelationOf(upline) = %s, want other", got)
	}
	staff := &downline.Actor{Role: downline.RoleSupport}
	if got := staff.RelationOf(12, up); got != downline.RelNone {
		t.Errorf("staff RelationOf = %s, want none", got)
	}
}
