package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/downline/downline"
)

// TestExportOrdersAsReceived: an order the intake reclassified (paid with
// the upline's card: personal use of U, originally a customer order of S)
// and an order whose receipt was rejected (non_commissionable, originally
// customer_direct) are exported as received, so that importing the export
// into the same database changes nothing: no conflict, the same orders,
// the same volumes, the same export.
func TestExportOrdersAsReceived(t *testing.T) {
	dsn, db := importTestDB(t)
	ctx := context.Background()
	if err := db.CreateDistributors(ctx, []*downline.Distributor{
		{ExternalID: "U", JoinedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
		{ExternalID: "S", SponsorRef: "U", JoinedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateCustomers(ctx, []*downline.Customer{
		{ExternalID: "C-S", Name: "Sirius", DistributorRef: "S", Attribution: downline.AttributionManual},
		{ExternalID: "C-T", Name: "Tau", DistributorRef: "S", Attribution: downline.AttributionManual},
	}); err != nil {
		t.Fatal(err)
	}
	paid := time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC)
	seat := func(ext, dist, cust string, purpose downline.OrderPurpose, fp string) *downline.Order {
		return &downline.Order{ExternalID: ext, DistributorRef: dist, CustomerRef: cust, Purpose: purpose, Currency: "USD",
			PaidAt: paid, PaymentFingerprint: fp, Lines: []*downline.OrderLine{{ProductRef: "SEAT", Quantity: 1, UnitPrice: 10000}}}
	}
	// U's own purchase first: the check matches the instruments of
	// stored purchases.
	if err := db.CreateOrder(ctx, seat("PU-U", "U", "", downline.PurposePersonalUse, "fp_U")); err != nil {
		t.Fatal(err)
	}
	// O-2 came with a billing address: the store keeps only its hash,
	// which the export carries, so the re-import is still the same order.
	o2in := seat("O-2", "", "C-T", downline.PurposeCustomerDirect, "")
	o2in.BillingAddress = "1 Main Street, Springfield"
	if err := db.CreateOrders(ctx, []*downline.Order{
		seat("O-1", "", "C-S", downline.PurposeCustomerDirect, "fp_U"), o2in,
	}); err != nil {
		t.Fatal(err)
	}
	if o, err := db.FindOrderByExternalID(ctx, "O-1"); err != nil || o.Purpose != downline.PurposePersonalUse || o.DistributorRef != "U" {
		t.Fatalf("O-1 = %+v, %v; want reclassified to U's personal use", o, err)
	}
	if _, err := db.SampleVerifications(ctx, downline.SampleRequest{Period: "2026-03", RateNum: 1, RateDen: 1, Key: []byte("export test key")}); err != nil {
		t.Fatal(err)
	}
	o2, err := db.FindOrderByExternalID(ctx, "O-2")
	if err != nil {
		t.Fatal(err)
	}
	cs, _, err := db.FindVerifications(ctx, downline.VerificationFilter{OrderID: &o2.ID})
	if err != nil || len(cs) != 1 {
		t.Fatalf("case of O-2: %v, %v", cs, err)
	}
	if _, _, err := db.DecideVerification(ctx, cs[0].ID, downline.VerificationDecision{Status: downline.VerificationRejected, By: "co"}); err != nil {
		t.Fatal(err)
	}
	export := exportText(t, dsn, "orders")
	if o2.BillingAddressHash == "" || !strings.Contains(export, ","+o2.BillingAddressHash) {
		t.Errorf("export lacks O-2's billing address hash %q:\n%s", o2.BillingAddressHash, export)
	}
	for _, want := range []string{"O-1,S,C-S,customer_direct,", "O-2,S,C-T,customer_direct,", "PU-U,U,,personal_use,"} {
		if !strings.Contains(export, want) {
			t.Errorf("export lacks %q:\n%s", want, export)
		}
	}
	volumes := func() []downline.PeriodVolume {
		var vs []downline.PeriodVolume
		if err := db.PeriodVolumes(ctx, "2026-03", func(v downline.PeriodVolume) error { vs = append(vs, v); return nil }); err != nil {
			t.Fatal(err)
		}
		return vs
	}
	before := volumes()
	file := filepath.Join(t.TempDir(), "orders.csv")
	if err := os.WriteFile(file, []byte(export), 0o600); err != nil {
		t.Fatal(err)
	}
	out, stderr, err := runCmd(t, runImport, "orders", file, "--db", dsn, "--product", "SEAT")
	if err != nil || !strings.Contains(out, "3 valid, 0 rejected; 3 stored or already present") {
		t.Fatalf("re-import: %v\n%s%s", err, out, stderr)
	}
	if after := volumes(); len(after) != len(before) || after[0] != before[0] || after[1] != before[1] {
		t.Errorf("the re-import changed the volumes:\n%+v\n%+v", before, after)
	}
	if again := exportText(t, dsn, "orders"); again != export {
		t.Errorf("export after the re-import differs:\n%s\n%s", export, again)
	}
	if o, err := db.FindOrderByExternalID(ctx, "O-1"); err != nil || o.Purpose != downline.PurposePersonalUse {
		t.Errorf("O-1 after the re-import = %+v, %v; want still personal use", o, err)
	}
}
