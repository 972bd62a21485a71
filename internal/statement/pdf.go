package statement

import (
	"fmt"
	"io"
	"strconv"

	"github.com/go-pdf/fpdf"
)

// Page geometry in millimetres (A4 portrait, 15 mm margins).
const (
	pageWidth   = 210.0
	margin      = 15.0
	contentW    = pageWidth - 2*margin
	amountW     = 35.0
	lineHeight  = 5.5
	headerColor = 230
)

// WritePDF validates s and writes it as a PDF: a header with the
// programme, distributor and period; the balance movements (opening,
// earned, clawbacks, adjustments, paid, closing); the totals by bonus;
// and every line with its source and explanation. The document's dates
// are s.GeneratedAt, so the output is byte-for-byte reproducible. Text
// outside Windows-1252 (the core PDF fonts' code page) is shown as "?".
func WritePDF(w io.Writer, s Statement) error {
	if err := s.Validate(); err != nil {
		return err
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, margin+5)
	pdf.SetCreationDate(s.GeneratedAt.UTC())
	pdf.SetModificationDate(s.GeneratedAt.UTC())
	pdf.SetCatalogSort(true)
	pdf.SetCompression(true)
	tr := pdf.UnicodeTranslatorFromDescriptor("") // cp1252
	title := fmt.Sprintf("Commission statement %s", s.Period)
	pdf.SetTitle(title, true)
	pdf.SetAuthor(s.Programme, true)
	pdf.SetCreator("Downline", true)
	pdf.SetProducer("Downline", true)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-margin)
		pdf.SetFont("Helvetica", "", 8)
		pdf.CellFormat(contentW/2, 5, tr(fmt.Sprintf("%s · %s · %s", s.Programme, s.DistributorName, s.Period)), "", 0, "L", false, 0, "")
		pdf.CellFormat(contentW/2, 5, fmt.Sprintf("Page %d of {nb}", pdf.PageNo()), "", 0, "R", false, 0, "")
	})
	pdf.AddPage()

	// Header.
	pdf.SetFont("Helvetica", "B", 16)
	pdf.CellFormat(contentW, 8, tr(s.Programme), "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "B", 12)
	pdf.CellFormat(contentW, 7, tr(title), "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 10)
	for _, kv := range [][2]string{
		{"Distributor", fmt.Sprintf("%s (ID %d)", s.DistributorName, s.DistributorID)},
		{"Period", s.Period},
		{"Currency", s.Currency},
		{"Generated", s.GeneratedAt.UTC().Format("2006-01-02 15:04 UTC")},
	} {
		pdf.CellFormat(30, lineHeight, kv[0]+":", "", 0, "L", false, 0, "")
		pdf.CellFormat(contentW-30, lineHeight, tr(kv[1]), "", 1, "L", false, 0, "")
	}
	pdf.Ln(4)

	// Balance movements.
	section(pdf, tr, "Balance")
	m := s.Movements
	for _, mv := range []struct {
		label  string
		amount int64
		bold   bool
	}{
		{"Opening balance", m.Opening, false},
		{"+ Earned this period", m.Earned, false},
		{"- Clawbacks (refunds)", m.Clawbacks, false},
		{"+/- Adjustments", m.Adjustments, false},
		{"- Paid out", m.Paid, false},
		{"Closing balance", m.Closing, true},
	} {
		style := ""
		border := ""
		if mv.bold {
			style, border = "B", "T"
		}
		pdf.SetFont("Helvetica", style, 10)
		pdf.CellFormat(contentW-amountW, lineHeight, mv.label, border, 0, "L", false, 0, "")
		pdf.CellFormat(amountW, lineHeight, s.money(mv.amount), border, 1, "R", false, 0, "")
	}
	if m.Closing < 0 {
		pdf.SetFont("Helvetica", "I", 9)
		pdf.MultiCell(contentW, lineHeight, "The closing balance is negative. It is carried forward and netted against future commissions; no payout is made until it is positive again.", "", "L", false)
	}
	pdf.Ln(4)

	// Totals by bonus.
	section(pdf, tr, "Totals by bonus")
	tableHeader(pdf, []string{"Bonus", "Lines", "Amount"}, []float64{contentW - amountW - 20, 20, amountW}, []string{"L", "R", "R"})
	pdf.SetFont("Helvetica", "", 10)
	var total int64
	for _, t := range s.Totals() {
		pdf.CellFormat(contentW-amountW-20, lineHeight, tr(t.Bonus), "", 0, "L", false, 0, "")
		pdf.CellFormat(20, lineHeight, strconv.Itoa(t.Lines), "", 0, "R", false, 0, "")
		pdf.CellFormat(amountW, lineHeight, s.money(t.Amount), "", 1, "R", false, 0, "")
		total += t.Amount
	}
	pdf.SetFont("Helvetica", "B", 10)
	pdf.CellFormat(contentW-amountW, lineHeight, "Total", "T", 0, "L", false, 0, "")
	pdf.CellFormat(amountW, lineHeight, s.money(total), "T", 1, "R", false, 0, "")
	pdf.Ln(4)

	// Every line with its explanation.
	section(pdf, tr, "Commission lines")
	if len(s.Lines) == 0 {
		pdf.SetFont("Helvetica", "I", 10)
		pdf.CellFormat(contentW, lineHeight, "No commission lines in this period.", "", 1, "L", false, 0, "")
	}
	for i, l := range s.sortedLines() {
		pdf.SetFont("Helvetica", "B", 10)
		head := fmt.Sprintf("%d. %s", i+1, l.Bonus)
		if l.Source != "" {
			head += " - " + l.Source
		}
		// Keep a line's heading and first explanation row together.
		if pdf.GetY()+3*lineHeight > 297-margin-5 {
			pdf.AddPage()
		}
		y := pdf.GetY()
		pdf.SetXY(margin+contentW-amountW, y)
		pdf.CellFormat(amountW, lineHeight, s.money(l.Amount), "", 0, "R", false, 0, "")
		pdf.SetXY(margin, y)
		pdf.MultiCell(contentW-amountW, lineHeight, tr(head), "", "L", false)
		pdf.SetFont("Helvetica", "", 9)
		text := l.Explanation
		if l.ID != "" {
			text += " [" + l.ID + "]"
		}
		pdf.SetX(margin + 5)
		pdf.MultiCell(contentW-5-amountW, 4.5, tr(text), "", "L", false)
		pdf.Ln(1)
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("write statement PDF for distributor %d, period %s: %w", s.DistributorID, s.Period, err)
	}
	return nil
}

func section(pdf *fpdf.Fpdf, tr func(string) string, title string) {
	pdf.SetFont("Helvetica", "B", 12)
	pdf.SetFillColor(headerColor, headerColor, headerColor)
	pdf.CellFormat(contentW, 7, tr(title), "", 1, "L", true, 0, "")
	pdf.Ln(1)
}

func tableHeader(pdf *fpdf.Fpdf, cols []string, widths []float64, aligns []string) {
	pdf.SetFont("Helvetica", "B", 10)
	for i, c := range cols {
		ln := 0
		if i == len(cols)-1 {
			ln = 1
		}
		pdf.CellFormat(widths[i], lineHeight, c, "B", ln, aligns[i], false, 0, "")
	}
}
