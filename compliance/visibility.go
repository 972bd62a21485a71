package compliance

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

// Tier is what an upline may see of one member of its downline (DP-02,
// GDPR Arts. 5(1)(c) and 25(2)).
type Tier int

// The tiers, from least to most visible.
const (
	// TierNone: nothing; the viewer is not above the subject.
	TierNone Tier = iota
	// TierAggregate: pseudonymous id, rank and CuV aggregated by leg and
	// level (level 2 and deeper; level 1 after an objection or across a
	// border without safeguards; a former participant).
	TierAggregate
	// TierLevel1: display name, rank, join month, own CuV total and Vemma
	// status of a personally sponsored participant.
	TierLevel1
	// TierLevel1Contact: TierLevel1 plus business contact, when the
	// downline opted in.
	TierLevel1Contact
	// TierSelf: everything about oneself.
	TierSelf
)

// String returns the tier's name.
func (t Tier) String() string {
	return [...]string{"none", "aggregate", "level1", "level1+contact", "self"}[t]
}

// Consent holds the subject's choices and circumstances that narrow what
// an upline sees.
type Consent struct {
	// ContactOptIn: the subject agreed to show business contact details to
	// its sponsor.
	ContactOptIn bool
	// IdentityObjected: the subject objected (Art. 21) to identity display;
	// its volumes show pseudonymously (DP-03).
	IdentityObjected bool
	// CrossBorder: viewer and subject are in different jurisdictions and no
	// Chapter V safeguard applies (DP-06).
	CrossBorder bool
	// Terminated: the subject has left; uplines see "former participant"
	// only (DP-05).
	Terminated bool
}

// Visibility returns the tier a viewer gets of a subject viewerDepth
// sponsor steps below it (0 is the viewer itself, 1 its frontline; a
// negative depth means the subject is not in the viewer's downline).
func Visibility(viewerDepth int, c Consent) Tier {
	switch {
	case viewerDepth < 0:
		return TierNone
	case viewerDepth == 0:
		return TierSelf
	case c.Terminated || viewerDepth >= 2 || c.IdentityObjected || c.CrossBorder:
		return TierAggregate
	case c.ContactOptIn:
		return TierLevel1Contact
	default:
		return TierLevel1
	}
}

// Field is one attribute of a participant that a view might show.
type Field string

// The fields of a participant view.
const (
	FieldPseudonym     Field = "pseudonym"
	FieldRank          Field = "rank"
	FieldLegCuV        Field = "leg_cuv"
	FieldDisplayName   Field = "display_name"
	FieldJoinMonth     Field = "join_month"
	FieldOwnCuV        Field = "own_cuv"
	FieldVemmaStatus   Field = "vemma_status"
	FieldContact       Field = "business_contact"
	FieldCustomers     Field = "customers"
	FieldOrders        Field = "orders"
	FieldPersonalUse   Field = "personal_use"
	FieldEarnings      Field = "earnings"
	FieldBankTax       Field = "bank_tax"
	FieldGovernmentID  Field = "government_id"
	FieldPrivateDetail Field = "private_detail"
)

// neverVisible are the fields an upline never sees of anyone (DP-02).
var neverVisible = map[Field]bool{FieldCustomers: true, FieldOrders: true, FieldPersonalUse: true,
	FieldEarnings: true, FieldBankTax: true, FieldGovernmentID: true, FieldPrivateDetail: true}

// CanSee reports whether tier t shows field f.
func CanSee(t Tier, f Field) bool {
	switch t {
	case TierSelf:
		return true
	case TierNone:
		return false
	}
	if neverVisible[f] {
		return false
	}
	switch f {
	case FieldPseudonym, FieldRank, FieldLegCuV:
		return true
	case FieldDisplayName, FieldJoinMonth, FieldOwnCuV, FieldVemmaStatus:
		return t >= TierLevel1
	case FieldContact:
		return t >= TierLevel1Contact
	}
	return false
}

// ParticipantView is what the genealogy API and back office may render of
// one participant. Filter clears what the tier does not allow.
type ParticipantView struct {
	ID          string
	Pseudonym   string
	DisplayName string
	Contact     string
	Rank        string
	JoinMonth   string
	OwnCuV      int64
	// LegCuV is CuV aggregated by leg (or level) below the subject.
	LegCuV       []int64
	VemmaPass    *bool
	Customers    []string
	PersonalUse  int64
	Earnings     int64
	BankTax      string
	GovernmentID string
}

// Filter returns v reduced to what tier t may see. Under TierAggregate and
// TierLevel1 the real id is replaced by the pseudonym; under TierNone the
// result is the zero view.
func Filter(v ParticipantView, t Tier) ParticipantView {
	if t == TierSelf {
		return v
	}
	if t == TierNone {
		return ParticipantView{}
	}
	out := ParticipantView{ID: v.Pseudonym, Pseudonym: v.Pseudonym, Rank: v.Rank,
		LegCuV: append([]int64(nil), v.LegCuV...)}
	if CanSee(t, FieldDisplayName) {
		out.DisplayName = v.DisplayName
		out.JoinMonth = v.JoinMonth
		out.OwnCuV = v.OwnCuV
		out.VemmaPass = v.VemmaPass
	}
	if CanSee(t, FieldContact) {
		out.Contact = v.Contact
	}
	return out
}

// Pseudonym derives a stable pseudonymous id "P-" + 12 hex digits for a
// participant id from a per-programme secret key, so that an upline can
// follow the same anonymous member across periods without learning who it
// is.
func Pseudonym(key []byte, id string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id))
	return "P-" + hex.EncodeToString(m.Sum(nil))[:12]
}
