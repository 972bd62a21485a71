package sepa

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/downline/downline"
	"pgregory.net/rapid"
)

// TestPropertySchemaValid draws batches with arbitrary Unicode names,
// references and ids and checks that Marshal either refuses them with
// CodeInvalid or writes a document that the official XSD accepts.
func TestPropertySchemaValid(t *testing.T) {
	xsd := sharedData(t, "iso20022/pain.001.001.09.xsd")
	if _, err := exec.LookPath("xmllint"); err != nil {
		t.Skip("xmllint not installed (apt-get install -y libxml2-utils)")
	}
	ibans := []string{"DE89370400440532013000", "GB82WEST12345698765432", "FR1420041010050500013M02606", "NL91ABNA0417164300"}
	dir := t.TempDir()
	// Mostly plausible Latin names, sometimes arbitrary Unicode.
	text := rapid.OneOf(rapid.StringMatching(`[A-Za-z0-9À-ž'&.,/ -]{1,90}`), rapid.String())
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 4).Draw(t, "items")
		b := Batch{
			ID:            rapid.StringN(1, 50, -1).Draw(t, "batch"),
			CreatedAt:     time.Unix(rapid.Int64Range(0, 4e9).Draw(t, "created"), 0),
			ExecutionDate: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
			Debtor:        Party{Name: text.Draw(t, "debtor"), IBAN: rapid.SampledFrom(ibans).Draw(t, "diban")},
		}
		for i := 0; i < n; i++ {
			b.Items = append(b.Items, Item{
				ID:        rapid.StringN(1, 40, -1).Draw(t, "id"),
				Name:      text.Draw(t, "name"),
				IBAN:      rapid.SampledFrom(ibans).Draw(t, "iban"),
				BIC:       rapid.SampledFrom([]string{"", "DEUTDEFF", "DEUTDEFF500"}).Draw(t, "bic"),
				Amount:    rapid.Int64Range(1, maxAmount).Draw(t, "amount"),
				Currency:  "EUR",
				Reference: text.Draw(t, "ref"),
			})
		}
		data, err := Marshal(b)
		if err != nil {
			if downline.ErrorCode(err) != downline.CodeInvalid {
				t.Fatalf("Marshal error = %v, want CodeInvalid", err)
			}
			return
		}
		f := filepath.Join(dir, "p.xml")
		if err := os.WriteFile(f, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("xmllint", "--noout", "--schema", xsd, f).CombinedOutput(); err != nil {
			t.Fatalf("xmllint rejects the output: %v\n%s\n%s", err, out, data)
		}
	})
}
