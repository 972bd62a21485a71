package statement

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

// CSVHeader returns the header row of a statement CSV. Each row is one of:
// a commission line ("line"), a total by bonus ("bonus_total", with the
// line count in line_id), or a balance movement ("opening", "earned",
// "clawbacks", "adjustments", "paid", "closing"). Amounts are in major
// units with a dot.
func CSVHeader() []string {
	return []string{"period", "distributor_id", "record", "line_id", "bonus", "source", "explanation", "amount", "currency"}
}

// WriteCSV validates s and writes it as CSV: the header, the lines sorted
// by bonus, source and id, the totals by bonus, then the movements.
func WriteCSV(w io.Writer, s Statement) error {
	if err := s.Validate(); err != nil {
		return err
	}
	id := strconv.FormatInt(int64(s.DistributorID), 10)
	row := func(record, lineID, bonus, source, explanation string, amount int64) []string {
		return []string{s.Period, id, record, lineID, bonus, source, explanation, s.major(amount), s.Currency}
	}
	rows := [][]string{CSVHeader()}
	for _, l := range s.sortedLines() {
		rows = append(rows, row("line", l.ID, l.Bonus, l.Source, l.Explanation, l.Amount))
	}
	for _, t := range s.Totals() {
		rows = append(rows, row("bonus_total", strconv.Itoa(t.Lines), t.Bonus, "", "", t.Amount))
	}
	m := s.Movements
	for _, mv := range []struct {
		name   string
		amount int64
	}{
		{"opening", m.Opening}, {"earned", m.Earned}, {"clawbacks", m.Clawbacks},
		{"adjustments", m.Adjustments}, {"paid", m.Paid}, {"closing", m.Closing},
	} {
		rows = append(rows, row(mv.name, "", "", "", "", mv.amount))
	}
	cw := csv.NewWriter(w)
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("write statement CSV for distributor %d, period %s: %w", s.DistributorID, s.Period, err)
	}
	return nil
}
