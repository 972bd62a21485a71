package csvio

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/downline/downline"
	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

// genDistributors draws a valid sponsor forest: each distributor's sponsor
// and placement parent come earlier.
func genDistributors(t *rapid.T) []*downline.Distributor {
	n := rapid.IntRange(1, 20).Draw(t, "n")
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	statuses := []downline.DistributorStatus{downline.StatusActive, downline.StatusSuspended, downline.StatusTerminated}
	ds := make([]*downline.Distributor, n)
	for i := range ds {
		d := &downline.Distributor{
			ExternalID: fmt.Sprintf("D-%d", i),
			Status:     rapid.SampledFrom(statuses).Draw(t, "status"),
			JoinedAt:   base.Add(time.Duration(rapid.IntRange(0, 1e6).Draw(t, "joined")) * time.Second),
			Email:      rapid.SampledFrom([]string{"", "a@example.com"}).Draw(t, "email"),
			// Commas, quotes and newlines must survive CSV quoting.
			DisplayName:  rapid.SampledFrom([]string{"", "Ann", `Bob "B", Jr.`, "line\nbreak", "Zoë"}).Draw(t, "name"),
			Country:      rapid.SampledFrom([]string{"", "DE", "US"}).Draw(t, "country"),
			ReferralCode: rapid.SampledFrom([]string{"", fmt.Sprintf("CODE-%d", i)}).Draw(t, "code"),
		}
		if i > 0 {
			d.SponsorRef = ds[rapid.IntRange(0, i-1).Draw(t, "sponsor")].ExternalID
			if rapid.Bool().Draw(t, "placed") {
				d.PlacementParentRef = ds[rapid.IntRange(0, i-1).Draw(t, "parent")].ExternalID
				d.PlacementSide = rapid.SampledFrom([]downline.Side{downline.SideLeft, downline.SideRight}).Draw(t, "side")
			}
		}
		ds[i] = d
	}
	return ds
}

// Writing records and reading them back gives the same records and no
// rejects; writing those again gives the same bytes.
func TestDistributorsRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ds := genDistributors(t)
		var buf bytes.Buffer
		w, err := NewDistributorWriter(&buf)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			if err := w.Distributor(d); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		first := buf.String()
		got, err := ReadDistributors("d.csv", strings.NewReader(first), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Rejects) > 0 {
			t.Fatalf("rejects: %v", rejects(got.Rejects))
		}
		back := make([]*downline.Distributor, len(got.Rows))
		for i, r := range got.Rows {
			back[i] = r.Distributor
		}
		if diff := cmp.Diff(ds, back); diff != "" {
			t.Fatalf("read back (-wrote +read):\n%s", diff)
		}
	})
}

func genOrders(t *rapid.T) ([]*downline.Order, []*downline.Refund) {
	n := rapid.IntRange(1, 15).Draw(t, "n")
	base := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	var os []*downline.Order
	var rs []*downline.Refund
	for i := range n {
		o := &downline.Order{ExternalID: fmt.Sprintf("O-%d", i), DistributorRef: "D1",
			Purpose:  rapid.SampledFrom([]downline.OrderPurpose{downline.PurposePersonalUse, downline.PurposeCustomerDirect}).Draw(t, "purpose"),
			Currency: "EUR", PaidAt: base.Add(time.Duration(rapid.IntRange(0, 1e6).Draw(t, "paid")) * time.Second)}
		if o.Purpose == downline.PurposeCustomerDirect {
			o.CustomerRef = "C1"
		}
		o.PaymentFingerprint = rapid.SampledFrom([]string{"", "fp_1", "card_2"}).Draw(t, "fingerprint")
		for range rapid.IntRange(1, 3).Draw(t, "lines") {
			o.Lines = append(o.Lines, &downline.OrderLine{ProductRef: rapid.SampledFrom([]string{"A", "B"}).Draw(t, "sku"),
				Quantity: rapid.Int64Range(1, 5).Draw(t, "qty"), UnitPrice: rapid.Int64Range(0, 1e6).Draw(t, "price"),
				CV: rapid.Int64Range(0, 1e6).Draw(t, "cv"), QV: rapid.Int64Range(0, 1e6).Draw(t, "qv")})
		}
		os = append(os, o)
		if l := o.Lines[0]; rapid.Bool().Draw(t, "refund") && (l.Amount() != 0 || l.CV != 0) {
			rs = append(rs, &downline.Refund{ExternalID: fmt.Sprintf("R-%d", i), OrderRef: o.ExternalID, RefundedAt: o.PaidAt.Add(time.Hour),
				Lines: []downline.RefundLine{{LineNo: 1, Amount: l.Amount(), CV: l.TotalCV(), QV: l.TotalCV()}}})
		}
	}
	return os, rs
}

func TestOrdersRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		os, rs := genOrders(t)
		var buf bytes.Buffer
		w, err := NewOrderWriter(&buf, "EUR")
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range os {
			if err := w.Order(o); err != nil {
				t.Fatal(err)
			}
		}
		for i, r := range rs {
			if err := w.Refund(r, os[i%len(os)]); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		got, err := ReadOrders("o.csv", strings.NewReader(buf.String()), Options{Currency: "EUR"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Rejects) > 0 {
			t.Fatalf("rejects: %v\n%s", rejects(got.Rejects), buf.String())
		}
		var gotOs []*downline.Order
		var gotRs []*downline.Refund
		for _, r := range got.Rows {
			if r.Order != nil {
				gotOs = append(gotOs, r.Order)
			} else {
				gotRs = append(gotRs, r.Refund)
			}
		}
		if diff := cmp.Diff(os, gotOs); diff != "" {
			t.Fatalf("orders (-wrote +read):\n%s", diff)
		}
		if diff := cmp.Diff(rs, gotRs); diff != "" {
			t.Fatalf("refunds (-wrote +read):\n%s", diff)
		}
	})
}

func TestCustomersRoundTrip(t *testing.T) {
	cs := []*downline.Customer{
		{ExternalID: "C1", Name: `Acme, "the" company`, Domain: "acme.example", DistributorRef: "D1", Attribution: downline.AttributionDeal},
		{ExternalID: "C2", Name: "Zoë GmbH", DistributorRef: "D2", Attribution: downline.AttributionImport},
	}
	var buf bytes.Buffer
	w, err := NewCustomerWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if err := w.Customer(c); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "id,name,domain,distributor_id,attribution\n" +
		"C1,\"Acme, \"\"the\"\" company\",acme.example,D1,deal\n" +
		"C2,Zoë GmbH,,D2,import\n"
	if buf.String() != want {
		t.Fatalf("wrote\n%s\nwant\n%s", buf.String(), want)
	}
	got, err := ReadCustomers("c.csv", &buf, Options{})
	if err != nil || len(got.Rejects) > 0 {
		t.Fatalf("read back: %v %v", err, got.Rejects)
	}
	var back []*downline.Customer
	for _, r := range got.Rows {
		back = append(back, r.Customer)
	}
	if diff := cmp.Diff(cs, back); diff != "" {
		t.Fatalf("read back (-wrote +read):\n%s", diff)
	}
}
