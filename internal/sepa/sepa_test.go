package sepa

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/downline/downline"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files")

// sharedData returns the path of rel under ../shared/data, found by
// walking up from the package directory to the repository root, and
// skips the test when it is absent.
func sharedData(t *testing.T, rel string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			p := filepath.Join(dir, "..", "shared", "data", rel)
			if _, err := os.Stat(p); err != nil {
				t.Skipf("shared reference data %s is absent: %v", p, err)
			}
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("repository root (go.mod) not found above the package directory")
		}
		dir = parent
	}
}

func testBatch() Batch {
	return Batch{
		ID:            "B7",
		CreatedAt:     time.Date(2026, 11, 28, 14, 30, 0, 0, time.FixedZone("CET", 3600)),
		ExecutionDate: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		Debtor:        Party{Name: "Acme Vertrieb GmbH", IBAN: "DE89 3704 0044 0532 0130 00", BIC: "COBADEFFXXX"},
		Items: []Item{
			{ID: "42", Name: "Jürgen Müller-Straße", IBAN: "de75512108001245126199", BIC: "", Amount: 123456, Currency: "EUR", Reference: "Commission 2026-10 / distributor 42"},
			{ID: "7", Name: "Anne O'Neil & Co", IBAN: "FR1420041010050500013M02606", BIC: "PSSTFRPPXXX", Amount: 5, Currency: "EUR", Reference: "Commission 2026-10"},
			{ID: "100", Name: "Zoë Ålund", IBAN: "GB82WEST12345698765432", BIC: "WESTGB22", Amount: 100000, Currency: "EUR"},
		},
	}
}

func TestMarshalGolden(t *testing.T) {
	t.Parallel()
	got, err := Marshal(testBatch())
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "b7.xml")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("Marshal diff (-want +got):\n%s", diff)
	}
	// Hand-checked facts: 1234.56 + 0.05 + 1000.00 = 2234.61 in 3 items.
	for _, s := range []string{"<NbOfTxs>3</NbOfTxs>", "<CtrlSum>2234.61</CtrlSum>", `<InstdAmt Ccy="EUR">0.05</InstdAmt>`,
		"<Nm>Jurgen Muller-Strasse</Nm>", "<Nm>Anne O&#39;Neil + Co</Nm>", "<EndToEndId>B7-42</EndToEndId>",
		"<CreDtTm>2026-11-28T13:30:00Z</CreDtTm>", "<Dt>2026-12-01</Dt>"} {
		if !strings.Contains(string(got), s) {
			t.Errorf("Marshal output lacks %s", s)
		}
	}
}

func TestMarshalDeterministic(t *testing.T) {
	t.Parallel()
	a, err := Marshal(testBatch())
	if err != nil {
		t.Fatal(err)
	}
	b := testBatch()
	b.Items[0], b.Items[2] = b.Items[2], b.Items[0]
	got, err := Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, got) {
		t.Errorf("Marshal depends on item order")
	}
}

// TestSchemaValid validates the output against the official XSD with
// xmllint. CI installs xmllint (apt-get install -y libxml2-utils).
func TestSchemaValid(t *testing.T) {
	t.Parallel()
	xsd := sharedData(t, "iso20022/pain.001.001.09.xsd")
	if _, err := exec.LookPath("xmllint"); err != nil {
		t.Skip("xmllint not installed (apt-get install -y libxml2-utils)")
	}
	long := testBatch()
	long.ID = strings.Repeat("batch-with-a-very-long-identifier-", 3)
	long.Debtor.BIC = ""
	for name, b := range map[string]Batch{"typical": testBatch(), "long ids, no debtor BIC": long} {
		data, err := Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(t.TempDir(), "pain.xml")
		if err := os.WriteFile(f, data, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("xmllint", "--noout", "--schema", xsd, f).CombinedOutput()
		if err != nil {
			t.Errorf("%s: xmllint: %v\n%s", name, err, out)
		}
	}
}

func TestMarshalInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*Batch)
		want string
	}{
		{"no items", func(b *Batch) { b.Items = nil }, "has no items"},
		{"currency", func(b *Batch) { b.Items[1].Currency = "USD" }, "Payment 7: currency"},
		{"zero amount", func(b *Batch) { b.Items[1].Amount = 0 }, "Payment 7: amount"},
		{"iban checksum", func(b *Batch) { b.Items[2].IBAN = "GB82WEST12345698765433" }, "Payment item 100: IBAN"},
		{"bic", func(b *Batch) { b.Items[2].BIC = "WEST22" }, "Payment item 100: BIC"},
		{"duplicate id", func(b *Batch) { b.Items[2].ID = "7" }, "item id 7 is used twice"},
		{"empty name", func(b *Batch) { b.Items[2].Name = "中文" }, "Payment item 100: name"},
		{"debtor iban", func(b *Batch) { b.Debtor.IBAN = "XX00" }, "Payment batch B7 debtor: IBAN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := testBatch()
			tt.edit(&b)
			_, err := Marshal(b)
			if downline.ErrorCode(err) != downline.CodeInvalid || !strings.Contains(downline.ErrorMessage(err), tt.want) {
				t.Errorf("Marshal error = %v, want CodeInvalid containing %q", err, tt.want)
			}
		})
	}
}

func TestValidateIBAN(t *testing.T) {
	t.Parallel()
	tests := []struct {
		iban string
		ok   bool
	}{
		{"DE89370400440532013000", true},
		{"GB82WEST12345698765432", true},
		{"FR1420041010050500013M02606", true},
		{"NL91ABNA0417164300", true},
		{"DE89370400440532013001", false}, // last digit changed
		{"DE8937040044053201300", false},  // one short
		{"US12345678901234567890", false}, // not SEPA
		{"DE8X370400440532013000", false},
		{"GB82WEST1234569876543!", false},
	}
	for _, tt := range tests {
		if err := ValidateIBAN(tt.iban); (err == nil) != tt.ok {
			t.Errorf("ValidateIBAN(%q) = %v, want ok %v", tt.iban, err, tt.ok)
		}
	}
}

func TestValidateBIC(t *testing.T) {
	t.Parallel()
	for bic, ok := range map[string]bool{"DEUTDEFF": true, "DEUTDEFF500": true, "WESTGB22": true, "DEUTD3FF": false, "DEUTDEF": false, "deutdeff": false} {
		if err := ValidateBIC(bic); (err == nil) != ok {
			t.Errorf("ValidateBIC(%q) = %v, want ok %v", bic, err, ok)
		}
	}
}

func TestText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"Jürgen Müller", 70, "Jurgen Muller"},
		{"Straße 5", 70, "Strasse 5"},
		{"  a\tb\n\nc  ", 70, "a b c"},
		{"Łódź € 5", 70, "Lodz 5"},
		{"abcdef", 3, "abc"},
		{"ab  cd", 3, "ab"},
		{"Tom & Jerry", 70, "Tom + Jerry"},
	}
	for _, tt := range tests {
		if got := Text(tt.in, tt.max); got != tt.want {
			t.Errorf("Text(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}

func TestIdentifier(t *testing.T) {
	t.Parallel()
	if got := Identifier("B7", "42"); got != "B7-42" {
		t.Errorf("Identifier(B7, 42) = %q, want B7-42", got)
	}
	long := Identifier(strings.Repeat("x", 40))
	if len(long) != 35 || long[0] != 'H' || long != Identifier(strings.Repeat("x", 40)) {
		t.Errorf("Identifier(long) = %q, want stable H + 34 hex digits", long)
	}
	if a, b := Identifier("a b"), Identifier("a", "b"); a == b || len(a) != 35 {
		t.Errorf("Identifier(a b) = %q, Identifier(a, b) = %q; want a hashed, distinct id", a, b)
	}
}
