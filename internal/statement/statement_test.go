package statement

import (
	"bytes"
	"flag"
	"fmt"
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

// testStatement is distributor 42's October: lines 20.00 + 6.00 + 1.50
// - 2.00 (a clawback) = 25.50 = earned 27.50 - clawbacks 2.00. Closing
// = opening 10.00 + 27.50 - 2.00 + adjustment -1.00 - paid 10.00 = 24.50.
func testStatement() Statement {
	return Statement{
		Programme:       "Acme Wellness",
		DistributorID:   42,
		DistributorName: "Jürgen Müller",
		Period:          "2026-10",
		Currency:        "EUR",
		GeneratedAt:     time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC),
		Lines: []Line{
			{ID: "L3", Bonus: "Unilevel", Source: "order 1002 by customer Beta Ltd via Ann (level 1)", Explanation: "6 % of CV 100.00 = 6.00", Amount: 600},
			{ID: "L1", Bonus: "Direct commission", Source: "order 1001 by customer Café Zoë", Explanation: "20 % of CV 100.00 = 20.00", Amount: 2000},
			{ID: "L9", Bonus: "Clawback", Source: "refund R9 of order 0990 (September)", Explanation: "half of the 4.00 line L0 was refunded: -50 % × 4.00 = -2.00", Amount: -200},
			{ID: "L4", Bonus: "Unilevel", Source: "order 1003 by customer Gamma Handelsgesellschaft mbH & Co. KG via Bob (level 2, compressed from 3)", Explanation: "3 % of CV 50.00 = 1.50", Amount: 150},
		},
		Movements: Movements{Opening: 1000, Earned: 2750, Clawbacks: 200, Adjustments: -100, Paid: 1000, Closing: 2450},
	}
}

func TestTotals(t *testing.T) {
	t.Parallel()
	want := []BonusTotal{
		{Bonus: "Clawback", Lines: 1, Amount: -200},
		{Bonus: "Direct commission", Lines: 1, Amount: 2000},
		{Bonus: "Unilevel", Lines: 2, Amount: 750}, // 600 + 150
	}
	if diff := cmp.Diff(want, testStatement().Totals()); diff != "" {
		t.Errorf("Totals diff (-want +got):\n%s", diff)
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	if err := testStatement().Validate(); err != nil {
		t.Fatalf("Validate(valid) = %v", err)
	}
	tests := []struct {
		name string
		edit func(*Statement)
		want string
	}{
		{"closing", func(s *Statement) { s.Movements.Closing++ }, "closing balance 24.51 EUR, want 24.50 EUR"},
		{"lines", func(s *Statement) { s.Lines = s.Lines[1:] }, "lines sum to 19.50 EUR but earned − clawbacks is 25.50 EUR"},
		{"period", func(s *Statement) { s.Period = "2026-13" }, "period"},
		{"currency", func(s *Statement) { s.Currency = "" }, "currency"},
		{"distributor", func(s *Statement) { s.DistributorID = 0 }, "distributor id 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testStatement()
			tt.edit(&s)
			err := s.Validate()
			if downline.ErrorCode(err) != downline.CodeInvalid || !strings.Contains(downline.ErrorMessage(err), tt.want) {
				t.Errorf("Validate error = %v, want CodeInvalid containing %q", err, tt.want)
			}
			if err := WritePDF(&bytes.Buffer{}, s); err == nil {
				t.Errorf("WritePDF accepted an invalid statement")
			}
		})
	}
}

func TestWriteCSVGolden(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := WriteCSV(&buf, testStatement()); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "statement.csv")
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), buf.String()); diff != "" {
		t.Errorf("WriteCSV diff (-want +got):\n%s", diff)
	}
}

func TestWritePDF(t *testing.T) {
	t.Parallel()
	var a, b bytes.Buffer
	if err := WritePDF(&a, testStatement()); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(a.Bytes(), []byte("%PDF-")) {
		t.Fatalf("output starts with %q, want %%PDF-", a.Bytes()[:8])
	}
	s := testStatement()
	s.Lines[0], s.Lines[3] = s.Lines[3], s.Lines[0]
	if err := WritePDF(&b, s); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("WritePDF is not deterministic: output depends on line order or the clock")
	}
	text := pdfText(t, a.Bytes())
	for _, want := range []string{
		"Acme Wellness", "Commission statement 2026-10", "Jürgen Müller (ID 42)",
		"Opening balance", "10.00 EUR", "Closing balance", "24.50 EUR",
		"Unilevel", "7.50 EUR", "Total", "25.50 EUR",
		"Café Zoë", "6 % of CV 100.00 = 6.00 [L3]", "-2.00 EUR", "Page 1 of 1",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
}

func TestWritePDFManyPages(t *testing.T) {
	t.Parallel()
	s := testStatement()
	s.Lines = nil
	s.Movements = Movements{}
	for i := 0; i < 120; i++ {
		amt := int64(i + 1)
		s.Lines = append(s.Lines, Line{ID: fmt.Sprintf("L%03d", i), Bonus: "Direct commission", Source: fmt.Sprintf("order %d", i), Explanation: strings.Repeat("a long explanation ", 8), Amount: amt})
		s.Movements.Earned += amt
	}
	s.Movements.Closing = s.Movements.Earned // 1 + … + 120 = 7260
	var buf bytes.Buffer
	if err := WritePDF(&buf, s); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, buf.Bytes())
	if !strings.Contains(text, "72.60 EUR") || !strings.Contains(text, "120. Direct commission") {
		t.Errorf("PDF text lacks the total 72.60 EUR or the 120th line")
	}
	if strings.Contains(text, "Page 1 of 1") {
		t.Errorf("120 lines fit one page; want several")
	}
}

// pdfText extracts the PDF's text with pdftotext, or skips the test when
// it is not installed (apt-get install -y poppler-utils).
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (apt-get install -y poppler-utils); only the PDF header was checked")
	}
	path := filepath.Join(t.TempDir(), "s.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}
