package payoutcsv

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/downline/downline"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s diff (-want +got):\n%s", name, diff)
	}
}

func paypalItems() []PayPalItem {
	return []PayPalItem{
		{ID: "B7-42", Receiver: "ann@example.com", Amount: 10050, Currency: "USD", Note: "Commission 2026-10, thank you"},
		{ID: "B7-07", Receiver: "+14155550123", Amount: 5, Currency: "USD", Note: "Commission 2026-10", Wallet: "VENMO"},
		{ID: "B7-99", Receiver: "PAYERID123", Amount: 100000, Currency: "USD"},
	}
}

func wiseItems() []WiseItem {
	return []WiseItem{
		{ID: "B7-42", Name: "Jürgen Müller", Reference: "Commission 2026-10", IBAN: "de89 3704 0044 0532 0130 00", Amount: 123456, TargetCurrency: "EUR"},
		{ID: "B7-07", Name: "Smith, Jones & Co", Email: "ap@example.com", Reference: "Commission 2026-10", ReceiverType: "INSTITUTION", IBAN: "GB82WEST12345698765432", Amount: 5, TargetCurrency: "GBP", SourceCurrency: "EUR"},
	}
}

func TestWritePayPal(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := WritePayPal(&buf, paypalItems()); err != nil {
		t.Fatal(err)
	}
	golden(t, "paypal.csv", buf.Bytes())
	// Sorted by id; 10050 cents = 100.50; 5 cents = 0.05; no header.
	want := "+14155550123,0.05,USD,B7-07,Commission 2026-10,VENMO\n" +
		"ann@example.com,100.50,USD,B7-42,\"Commission 2026-10, thank you\",PAYPAL\n" +
		"PAYERID123,1000.00,USD,B7-99,,PAYPAL\n"
	if got := buf.String(); got != want {
		t.Errorf("WritePayPal =\n%s\nwant\n%s", got, want)
	}
	items := paypalItems()
	items[0], items[2] = items[2], items[0]
	var again bytes.Buffer
	if err := WritePayPal(&again, items); err != nil || !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Errorf("WritePayPal depends on item order (error %v)", err)
	}
}

func TestWriteWise(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := WriteWise(&buf, wiseItems()); err != nil {
		t.Fatal(err)
	}
	golden(t, "wise.csv", buf.Bytes())
	lines := strings.Split(buf.String(), "\n")
	if lines[0] != "name,recipientEmail,paymentReference,receiverType,amountCurrency,amount,sourceCurrency,targetCurrency,IBAN" {
		t.Errorf("header = %q", lines[0])
	}
	// B7-07 sorts first: 5 pence = 0.05 GBP paid from EUR.
	if want := `"Smith, Jones & Co",ap@example.com,Commission 2026-10,INSTITUTION,target,0.05,EUR,GBP,GB82WEST12345698765432`; lines[1] != want {
		t.Errorf("row 1 = %q, want %q", lines[1], want)
	}
	if want := "Jürgen Müller,,Commission 2026-10,PERSON,target,1234.56,EUR,EUR,DE89370400440532013000"; lines[2] != want {
		t.Errorf("row 2 = %q, want %q", lines[2], want)
	}
}

func TestWriteErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		run  func() error
		want string
	}{
		{"paypal mixed currency", func() error {
			it := paypalItems()
			it[2].Currency = "EUR"
			return WritePayPal(&bytes.Buffer{}, it)
		}, "PayPal payout B7-99: currency EUR differs from USD"},
		{"paypal venmo in EUR", func() error {
			it := paypalItems()[1:2]
			it[0].Currency = "EUR"
			return WritePayPal(&bytes.Buffer{}, it)
		}, "Venmo payouts need USD"},
		{"paypal zero", func() error {
			it := paypalItems()
			it[0].Amount = 0
			return WritePayPal(&bytes.Buffer{}, it)
		}, "Payout item B7-42: amount 0"},
		{"paypal too many", func() error {
			it := make([]PayPalItem, MaxPayPalRows+1)
			return WritePayPal(&bytes.Buffer{}, it)
		}, "at most 5000"},
		{"wise duplicate", func() error {
			it := wiseItems()
			it[1].ID = "B7-42"
			return WriteWise(&bytes.Buffer{}, it)
		}, "B7-42 is used twice"},
		{"wise receiver type", func() error {
			it := wiseItems()
			it[0].ReceiverType = "BUSINESS"
			return WriteWise(&bytes.Buffer{}, it)
		}, "Wise payment B7-42: receiver type"},
		{"wise newline", func() error {
			it := wiseItems()
			it[0].Reference = "a\nb"
			return WriteWise(&bytes.Buffer{}, it)
		}, "control character"},
		{"wise no iban", func() error {
			it := wiseItems()
			it[0].IBAN = ""
			return WriteWise(&bytes.Buffer{}, it)
		}, "Wise payment B7-42: IBAN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			if downline.ErrorCode(err) != downline.CodeInvalid || !strings.Contains(downline.ErrorMessage(err), tt.want) {
				t.Errorf("error = %v, want CodeInvalid containing %q", err, tt.want)
			}
		})
	}
}
