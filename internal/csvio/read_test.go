package csvio

import (
	"strings"
	"testing"
	"time"

	"github.com/downline/downline"
	"github.com/google/go-cmp/cmp"
)

func rejects(rs []*RowError) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Error()
	}
	return out
}

func TestReadDistributorsReportsEveryBadRow(t *testing.T) {
	in := "id,sponsor_id,joined_at,status,placement_parent_id,placement_side,extra\n" +
		"1,,2026-01-01,active,,,x\n" + // line 2: a root
		"2,1,2026-01-02T10:00:00Z,,1,l,\n" + // line 3: status defaults to active, side upper-cased
		"3,1,yesterday,active,,,\n" + // line 4: bad date at column 5
		"2,1,2026-01-03,active,,,\n" + // line 5: duplicate id
		"4,1,2026-01-03,retired,,,\n" + // line 6: bad status at column 16
		"5,1,2026-01-03,active,,R,\n" + // line 7: side without a parent at column 24
		"6,6,2026-01-03,active,,,\n" + // line 8: its own sponsor
		"7,1,\"2026-01-04\",suspended,,,\n" // line 9: quoted date is fine
	got, err := ReadDistributors("d.csv", strings.NewReader(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`d.csv:4:5: joined_at: "yesterday" is not an RFC 3339 time or a YYYY-MM-DD date`,
		`d.csv:5:1: id: duplicate id "2"`,
		`d.csv:6:16: status: distributor "4": status must be active, suspended or terminated`,
		`d.csv:7:24: placement_side: distributor "5": placement side requires a placement parent`,
		`d.csv:8:3: sponsor_id: distributor "6": sponsor must not be the distributor itself`,
	}
	if diff := cmp.Diff(want, rejects(got.Rejects)); diff != "" {
		t.Errorf("rejects (-want +got):\n%s", diff)
	}
	var ids []string
	for _, r := range got.Rows {
		ids = append(ids, r.Distributor.ExternalID)
	}
	if diff := cmp.Diff([]string{"1", "2", "7"}, ids); diff != "" {
		t.Errorf("accepted ids (-want +got):\n%s", diff)
	}
	d2 := got.Rows[1].Distributor
	if d2.Status != downline.StatusActive || d2.PlacementSide != downline.SideLeft || d2.SponsorRef != "1" ||
		!d2.JoinedAt.Equal(time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("row 3 read as %+v", d2)
	}
}

func TestReadFailsWithoutHeaderOrRequiredColumn(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "d.csv:1:1: empty file: want a header row"},
		{"id,sponsor_id,status\n", "d.csv:1:1: joined_at: missing required column"},
		{"id,id,sponsor_id,joined_at,status\n", "d.csv:1:4: id: duplicate column"},
	} {
		_, err := ReadDistributors("d.csv", strings.NewReader(tc.in), Options{})
		if err == nil || err.Error() != tc.want {
			t.Errorf("ReadDistributors(%q) = %v, want %s", tc.in, err, tc.want)
		}
	}
}

func TestReadCustomers(t *testing.T) {
	in := "id,name,domain,distributor_id,attribution\n" +
		"C1,Acme,acme.example,1,\n" + // line 2: attribution defaults to import
		"C2,,b.example,1,code\n" + // line 3: no name
		"C3,Beta,Not A Domain,1,code\n" + // line 4: bad domain at column 9
		"C4,Gamma,,1,psychic\n" // line 5: bad attribution at column 13
	got, err := ReadCustomers("c.csv", strings.NewReader(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`c.csv:3:4: name: missing value`,
		`c.csv:4:9: domain: customer "C3": domain must be a lower-case domain name such as example.com`,
		`c.csv:5:13: attribution: customer "C4": attribution must be link, code, deal, manual or import`,
	}
	if diff := cmp.Diff(want, rejects(got.Rejects)); diff != "" {
		t.Errorf("rejects (-want +got):\n%s", diff)
	}
	wantRow := &downline.Customer{ExternalID: "C1", Name: "Acme", Domain: "acme.example", DistributorRef: "1",
		Attribution: downline.AttributionImport}
	if len(got.Rows) != 1 {
		t.Fatalf("got %d rows, want 1", len(got.Rows))
	}
	if diff := cmp.Diff(wantRow, got.Rows[0].Customer); diff != "" {
		t.Errorf("customer (-want +got):\n%s", diff)
	}
}

func TestReadOrders(t *testing.T) {
	cat := map[string]*downline.Product{"SEAT": {ExternalID: "SEAT", RetailPrice: 2500, CV: 2000, QV: 2000, Commissionable: true}}
	opt := Options{Currency: "EUR", Product: "SEAT", Catalogue: cat}
	paid := time.Date(2026, 10, 5, 12, 0, 0, 0, time.UTC)
	in := "id,distributor_id,customer_id,purpose,paid_at,cv,qv,bv,amount,currency,refund_of,sku,quantity\n" +
		// line 2: one line of the default product; the row's cv overrides the catalogue's.
		"1,7,C1,customer_direct,2026-10-05T12:00:00Z,12.34,,12.34,15.00,,,,\n" +
		// line 3: 3 units of SEAT; amount 75.00 / 3 = 25.00 a unit, cv 60.00 / 3 = 20.00, qv 30.00 / 3 = 10.00.
		"2,7,,personal_use,2026-10-05T12:00:00Z,60.00,30.00,,75.00,EUR,,SEAT,3\n" +
		// line 4: a second line of order 2: 1 unit, no amount, so the retail price 25.00.
		"2,7,,personal_use,2026-10-05T12:00:00Z,20.00,,,,EUR,,SEAT,\n" +
		// line 5: a refund of 5.00 of order 1's first line: amount 500, cv 400, qv defaults to cv.
		"R1,7,C1,customer_direct,2026-10-06T00:00:00Z,-4.00,,,-5.00,EUR,1,,\n" +
		// line 6: a full refund of order 2.
		"R2,7,,personal_use,2026-10-06,0,,,0,,2,,\n" +
		"3,7,C1,customer_direct,2026-10-05,1.001,,,1,,,,\n" + // line 7: three decimals at column 35
		"4,7,C1,customer_direct,2026-10-05,1.00,,,1,USD,,,\n" + // line 8: other currency at column 44
		"5,7,C1,gift,2026-10-05,1.00,,,1,,,,\n" + // line 9: unknown purpose at column 8
		"6,7,C1,customer_direct,2026-10-05,1.00,,,1,,,NOPE,\n" + // line 10: unknown sku at column 46
		"7,7,C1,customer_direct,2026-10-05,1.00,,,1.00,,,SEAT,3\n" + // line 11: 100 cents / 3 at column 42
		"R3,7,C1,customer_direct,2026-10-06,4.00,,,,,1,,\n" + // line 12: positive refund at column 36
		"8,7,,customer_direct,2026-10-05,1.00,,,1,,,,\n" + // line 13: customer order without customer at column 5
		"1,7,C1,customer_direct,2026-10-05,1.00,,,1,,,,\n" + // line 14: order 1 again, not next to it
		"9,7,C1,customer_direct,2026-10-05,-1.00,,,1,,,,\n" // line 15: negative cv on an order
	got, err := ReadOrders("o.csv", strings.NewReader(in), opt)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`o.csv:7:35: cv: amount "1.001": has more than 2 decimal places`,
		`o.csv:8:44: currency: USD is not the programme currency EUR`,
		`o.csv:9:8: purpose: "gift" is not customer_direct, personal_use, resale_stock, receipted_resale or non_commissionable`,
		`o.csv:10:46: sku: unknown product "NOPE"`,
		`o.csv:11:42: amount: is not a multiple of the quantity 3`,
		`o.csv:12:36: cv: must be negative or zero on a refund row`,
		`o.csv:13:5: customer_id: order "8": customer is required for a customer_direct order`,
		`o.csv:14:1: id: duplicate id "1" (further lines of an order must follow it and agree on distributor, customer, purpose, paid_at and currency)`,
		`o.csv:15:35: cv: must not be negative on an order (a refund row has refund_of)`,
	}
	if diff := cmp.Diff(want, rejects(got.Rejects)); diff != "" {
		t.Errorf("rejects (-want +got):\n%s", diff)
	}
	wantRows := []OrderRow{
		{Pos: Pos{Line: 2}, Order: &downline.Order{ExternalID: "1", DistributorRef: "7", CustomerRef: "C1",
			Purpose: downline.PurposeCustomerDirect, Currency: "EUR", PaidAt: paid,
			Lines: []*downline.OrderLine{{ProductRef: "SEAT", Quantity: 1, UnitPrice: 1500, CV: 1234, QV: 1234}}}},
		{Pos: Pos{Line: 3}, Order: &downline.Order{ExternalID: "2", DistributorRef: "7",
			Purpose: downline.PurposePersonalUse, Currency: "EUR", PaidAt: paid,
			Lines: []*downline.OrderLine{
				{ProductRef: "SEAT", Quantity: 3, UnitPrice: 2500, CV: 2000, QV: 1000},
				{ProductRef: "SEAT", Quantity: 1, UnitPrice: 2500, CV: 2000, QV: 2000},
			}}},
		{Pos: Pos{Line: 5}, Refund: &downline.Refund{ExternalID: "R1", OrderRef: "1", RefundedAt: time.Date(2026, 10, 6, 0, 0, 0, 0, time.UTC),
			Lines: []downline.RefundLine{{LineNo: 1, Amount: 500, CV: 400, QV: 400}}}},
		{Pos: Pos{Line: 6}, Refund: &downline.Refund{ExternalID: "R2", OrderRef: "2", RefundedAt: time.Date(2026, 10, 6, 0, 0, 0, 0, time.UTC)}},
	}
	if diff := cmp.Diff(wantRows, got.Rows, cmp.Comparer(func(a, b Pos) bool { return a.Line == b.Line })); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

func TestReadOrdersWithoutProductRejectsRow(t *testing.T) {
	in := "id,distributor_id,customer_id,purpose,paid_at,cv\n1,7,,personal_use,2026-10-05,1.00\n"
	got, err := ReadOrders("o.csv", strings.NewReader(in), Options{Currency: "EUR"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"o.csv:2:1: sku: missing value: give a sku column or a default product"}
	if diff := cmp.Diff(want, rejects(got.Rejects)); diff != "" {
		t.Errorf("rejects (-want +got):\n%s", diff)
	}
}

func TestMalformedCSVIsARejectAndReadingGoesOn(t *testing.T) {
	in := "id,sponsor_id,joined_at,status\n" +
		"1,,2026-01-01,active\n" +
		"2,1,2026-01-0\"2,active\n" + // line 3: a bare quote
		"3,1,2026-01-01,active\n" +
		"4,\xff,2026-01-01,active\n" // line 5: not UTF-8
	got, err := ReadDistributors("d.csv", strings.NewReader(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`d.csv:3:14: bare " in non-quoted-field`, `d.csv:5:3: not valid UTF-8`}
	if diff := cmp.Diff(want, rejects(got.Rejects)); diff != "" {
		t.Errorf("rejects (-want +got):\n%s", diff)
	}
	if len(got.Rows) != 2 {
		t.Errorf("got %d rows, want 2 (ids 1 and 3)", len(got.Rows))
	}
}

func TestFieldOf(t *testing.T) {
	for _, tc := range []struct {
		msg, want string
	}{
		{`order "distributor x": customer "C9" is unknown`, "customer_id"},
		{`order "7": line 1: product "X" is unknown`, "sku"},
		{`something else entirely`, "id"},
	} {
		if got := FieldOfOrder(downline.Errorf(downline.CodeInvalid, "%s", tc.msg)); got != tc.want {
			t.Errorf("FieldOfOrder(%q) = %q, want %q", tc.msg, got, tc.want)
		}
	}
}
