package ledger

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEarnings(t *testing.T) {
	t.Parallel()
	// Distributor 7 earns 1000 + 250 = 1250, distributor 3 earns 40,
	// distributor 9 nets to zero and is left out; expense = 1250 + 40.
	got, err := Earnings("2026-10", "EUR", []Earning{
		{Distributor: 7, Amount: 1000},
		{Distributor: 3, Amount: 40},
		{Distributor: 9, Amount: 5},
		{Distributor: 7, Amount: 250},
		{Distributor: 9, Amount: -5},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := Transaction{ID: "run:2026-10:close", Kind: KindEarnings, Memo: "commissions of run 2026-10", Postings: []Posting{
		{Account: DistributorAccount(Earned, 3), Amount: -40, Currency: "EUR"},
		{Account: DistributorAccount(Earned, 7), Amount: -1250, Currency: "EUR"},
		{Account: CompanyAccount(CommissionExpense), Amount: 1290, Currency: "EUR"},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Earnings diff (-want +got):\n%s", diff)
	}
	if _, err := Earnings("2026-11", "EUR", []Earning{{Distributor: 1, Amount: 0}}); !errors.Is(err, ErrNothingToPost) {
		t.Errorf("Earnings(all zero) error = %v, want ErrNothingToPost", err)
	}
}

func TestClawback(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name              string
		refunded, ordered int64
		lines             []ClawbackLine
		want              []Posting
		wantErr           error
	}{
		{
			// TX-09 (d): a $1,000 order refunded in full; the seller's
			// 20 % line ($200) and the L1 override 6 % ($60) come back.
			name: "full refund", refunded: 100000, ordered: 100000,
			lines: []ClawbackLine{{Distributor: 2, Amount: 20000, Ref: "line:1"}, {Distributor: 1, Amount: 6000, Ref: "line:2"}},
			want: []Posting{
				{Account: DistributorAccount(ClawbackReceivable, 1), Amount: 6000, Currency: "USD", Ref: "line:2"},
				{Account: DistributorAccount(ClawbackReceivable, 2), Amount: 20000, Currency: "USD", Ref: "line:1"},
				{Account: CompanyAccount(CommissionExpense), Amount: -26000, Currency: "USD"},
			},
		},
		{
			// 1/3 refunded: 100 × 1/3 = 33.33 → 33; 5 × 1/3 = 1.67 → 2;
			// 1 × 1/3 = 0.33 → 0 (left out). Total 35.
			name: "one third", refunded: 1000, ordered: 3000,
			lines: []ClawbackLine{{Distributor: 4, Amount: 100, Ref: "line:a"}, {Distributor: 5, Amount: 5, Ref: "line:b"}, {Distributor: 6, Amount: 1, Ref: "line:c"}},
			want: []Posting{
				{Account: DistributorAccount(ClawbackReceivable, 4), Amount: 33, Currency: "USD", Ref: "line:a"},
				{Account: DistributorAccount(ClawbackReceivable, 5), Amount: 2, Currency: "USD", Ref: "line:b"},
				{Account: CompanyAccount(CommissionExpense), Amount: -35, Currency: "USD"},
			},
		},
		{
			// Half of 15¢ is 7.5¢, rounded half away from zero to 8¢; a
			// negative line of -15¢ gives -8¢.
			name: "half rounds away from zero", refunded: 1, ordered: 2,
			lines: []ClawbackLine{{Distributor: 1, Amount: 15, Ref: "l1"}, {Distributor: 1, Amount: -15, Ref: "l2"}, {Distributor: 2, Amount: 15, Ref: "l3"}},
			want: []Posting{
				{Account: DistributorAccount(ClawbackReceivable, 1), Amount: 8, Currency: "USD", Ref: "l1"},
				{Account: DistributorAccount(ClawbackReceivable, 1), Amount: -8, Currency: "USD", Ref: "l2"},
				{Account: DistributorAccount(ClawbackReceivable, 2), Amount: 8, Currency: "USD", Ref: "l3"},
				{Account: CompanyAccount(CommissionExpense), Amount: -8, Currency: "USD"},
			},
		},
		{name: "more than ordered", refunded: 101, ordered: 100, lines: []ClawbackLine{{Distributor: 1, Amount: 10}}, wantErr: ErrInvalid},
		{name: "nothing to claw", refunded: 1, ordered: 1000, lines: []ClawbackLine{{Distributor: 1, Amount: 1}}, wantErr: ErrNothingToPost},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Clawback("R9", "USD", tt.refunded, tt.ordered, tt.lines)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Clawback error = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if got.ID != "refund:R9:clawback" || got.Kind != KindClawback {
				t.Errorf("Clawback id, kind = %q, %q", got.ID, got.Kind)
			}
			if diff := cmp.Diff(tt.want, got.Postings); diff != "" {
				t.Errorf("Clawback postings diff (-want +got):\n%s", diff)
			}
		})
	}
}

func TestManualAdjustment(t *testing.T) {
	t.Parallel()
	base := Adjustment{Key: "A1", Distributor: 3, Currency: "EUR", Amount: -500, Reason: "duplicate order", Requester: "ann", Approver: "bob", TwoPerson: true}
	got, err := ManualAdjustment(base)
	if err != nil {
		t.Fatal(err)
	}
	want := Transaction{ID: "adjustment:A1", Kind: KindAdjustment, Memo: "duplicate order", Requester: "ann", Approver: "bob", Postings: []Posting{
		{Account: DistributorAccount(Payable, 3), Amount: 500, Currency: "EUR"},
		{Account: CompanyAccount(AdjustmentExpense), Amount: -500, Currency: "EUR"},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ManualAdjustment diff (-want +got):\n%s", diff)
	}
	tests := []struct {
		name    string
		edit    func(*Adjustment)
		wantErr error
	}{
		{"self approval under two-person rule", func(a *Adjustment) { a.Approver = "ann" }, ErrSelfApproval},
		{"self approval allowed without the rule", func(a *Adjustment) { a.Approver = "ann"; a.TwoPerson = false }, nil},
		{"no reason", func(a *Adjustment) { a.Reason = "" }, ErrInvalid},
		{"no approver", func(a *Adjustment) { a.Approver = "" }, ErrInvalid},
		{"zero", func(a *Adjustment) { a.Amount = 0 }, ErrInvalid},
		{"bad currency", func(a *Adjustment) { a.Currency = "eur" }, ErrInvalid},
		{"bad distributor", func(a *Adjustment) { a.Distributor = 0 }, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := base
			tt.edit(&a)
			if _, err := ManualAdjustment(a); !errors.Is(err, tt.wantErr) {
				t.Errorf("ManualAdjustment error = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestPayoutBuilders(t *testing.T) {
	t.Parallel()
	p := PayoutItem{Batch: "B7", Item: "42", Distributor: 5, Currency: "EUR", Amount: 700, Receivable: 300}
	got, err := Payout(p)
	if err != nil {
		t.Fatal(err)
	}
	// Payable 1000 owed, receivable 300: send 700, settle the 300.
	want := []Posting{
		{Account: DistributorAccount(Payable, 5), Amount: 1000, Currency: "EUR"},
		{Account: DistributorAccount(ClawbackReceivable, 5), Amount: -300, Currency: "EUR"},
		{Account: CompanyAccount(PayoutsClearing), Amount: -700, Currency: "EUR"},
	}
	if got.ID != "payout:B7:item:42" {
		t.Errorf("Payout id = %q, want payout:B7:item:42", got.ID)
	}
	if diff := cmp.Diff(want, got.Postings); diff != "" {
		t.Errorf("Payout postings diff (-want +got):\n%s", diff)
	}
	f, err := PayoutFailure(p, "account closed")
	if err != nil {
		t.Fatal(err)
	}
	if f.ID != "payout:B7:item:42:failed" || f.Postings[1].Amount != -700 {
		t.Errorf("PayoutFailure = %+v, want id payout:B7:item:42:failed crediting payable 700", f)
	}
	if _, err := Payout(PayoutItem{Batch: "B", Item: "1", Distributor: 1, Currency: "EUR"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("Payout(zero) error = %v, want ErrInvalid", err)
	}
}

func TestMulDiv(t *testing.T) {
	t.Parallel()
	// The examples of domain.md "Money and rounding", rates as fractions.
	tests := []struct{ x, num, den, want int64 }{
		{3, 20, 100, 1},     // 0.6 → 1
		{15, 10, 100, 2},    // 1.5 → 2
		{1, 50, 100, 1},     // 0.5 → 1
		{500, 29, 1000, 15}, // 14.5 → 15
		{2, 20, 100, 0},     // 0.4 → 0
		{-15, 10, 100, -2},  // -1.5 → -2
		{-14, 10, 100, -1},  // -1.4 → -1
		{1 << 62, 3, 4, 3 << 60},
	}
	for _, tt := range tests {
		got, err := mulDiv(tt.x, tt.num, tt.den)
		if err != nil || got != tt.want {
			t.Errorf("mulDiv(%d, %d, %d) = %d, %v; want %d", tt.x, tt.num, tt.den, got, err, tt.want)
		}
	}
	if _, err := mulDiv(1<<62, 4, 1); !errors.Is(err, ErrInvalid) {
		t.Errorf("mulDiv overflow error = %v, want ErrInvalid", err)
	}
	if _, err := mulDiv(1, 1, 0); !errors.Is(err, ErrInvalid) {
		t.Errorf("mulDiv(den 0) error = %v, want ErrInvalid", err)
	}
}
