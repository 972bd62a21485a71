package compliance

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// workedIDS is the §5.3 worked example: ten participants, all enrolled for
// the full year, with gross compensation and tracked costs in dollars.
func workedIDS() IDSInput {
	gross := []int64{0, 0, 0, 0, 0, 40, 120, 300, 900, 12000}
	costs := []int64{0, 49, 0, 120, 0, 49, 0, 49, 300, 600}
	in := IDSInput{Year: 2025, PlanVersions: []string{"reference-default 2025.1"},
		DatasetHash: "sha256:test", Generator: "compliance test", Contact: "compliance@example.com"}
	for i := range gross {
		in.Records = append(in.Records, IncomeRecord{
			ID:    string(rune('a' + i)),
			Gross: gross[i] * 100, TrackedCost: costs[i] * 100, FromCuV: gross[i] * 100,
			Active: gross[i] > 0,
		})
	}
	return in
}

func TestComputeIDSWorkedExample(t *testing.T) {
	s, err := ComputeIDS(workedIDS())
	if err != nil {
		t.Fatalf("ComputeIDS: %v", err)
	}
	checks := []struct {
		name      string
		got, want string
	}{
		{"N_all", strconv.Itoa(s.NAll), "10"},
		// 5 of 10 earned 0.
		{"zero share", s.ZeroShare.Percent(0), "50 %"},
		// Sorted gross: middle two are 0 and 40 → (0 + 40)/2 = $20.
		{"median gross", Money(s.Gross.Median), "20.00"},
		// 13,360 / 10 = $1,336.
		{"mean gross", Money(s.Gross.Mean), "1336.00"},
		// 12,000 / 13,360 = 0.8982.
		{"top-10 % share", s.Top10Share.Percent(1), "89.8 %"},
		// All but the 12,000 earner: 9/10.
		{"≤ $1,000 share", s.Gross.AtMost1000Share.Percent(0), "90 %"},
		// Net [0, −49, 0, −120, 0, −9, 120, 251, 600, 11,400]: three negative.
		{"net < 0 share", s.NetNegativeShare.Percent(0), "30 %"},
		// Sorted net [−120, −49, −9, 0, 0, 0, …] → (0 + 0)/2.
		{"median net", Money(s.Net.Median), "0.00"},
		{"full-year cohort", strconv.Itoa(s.FullYear.N), "10"},
		{"CuV share", s.CuVShare.Percent(0), "100 %"},
		{"max band", s.Gross.MaxBand, "$5,000.01–25,000"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %s, want %s", c.name, c.got, c.want)
		}
	}
	// Σ|x_i−x_j| = 232,400; 2n²μ = 2·100·1,336 = 267,200; G = 0.86976.
	if math.Abs(s.Gini-0.870) > 0.001 {
		t.Errorf("Gini = %.4f, want 0.870 ± 0.001", s.Gini)
	}
	var gotBands []int
	for _, b := range s.Gross.Bands {
		gotBands = append(gotBands, b.Count)
	}
	// Five at $0; 40 → $0.01–100; 120 and 300 → 100–500; 900 → 500–1,000;
	// 12,000 → 5,000–25,000.
	wantBands := []int{5, 1, 2, 1, 0, 1, 0, 0}
	if diff := cmp.Diff(wantBands, gotBands); diff != "" {
		t.Errorf("band counts (-want +got):\n%s", diff)
	}
}

func TestIDSHeadlineOrder(t *testing.T) {
	s, err := ComputeIDS(workedIDS())
	if err != nil {
		t.Fatalf("ComputeIDS: %v", err)
	}
	idx := func(sub string) int {
		for i, h := range s.Headline {
			if strings.Contains(h, sub) {
				return i
			}
		}
		return -1
	}
	zero, median, top := idx("no compensation"), idx("median participant"), idx("top 10 %")
	if zero < 0 || median < 0 || top < 0 {
		t.Fatalf("headline %q lacks a figure (zero %d, median %d, top %d)", s.Headline, zero, median, top)
	}
	if !(zero < top && median < top) {
		t.Errorf("headline order zero %d, median %d, top %d: Z and median must precede top earners", zero, median, top)
	}
	if !strings.Contains(s.Headline[zero], "50.0 %") || !strings.Contains(s.Headline[median], "$20.00") {
		t.Errorf("headline = %q, want 50.0 %% and $20.00", s.Headline)
	}
}

func TestComputeIDSIncomplete(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*IDSInput)
		field string
	}{
		{"no year", func(in *IDSInput) { in.Year = 0 }, "period"},
		{"no participants", func(in *IDSInput) { in.Records = nil }, "population"},
		{"no contact", func(in *IDSInput) { in.Contact = "" }, "provenance"},
		{"no dataset hash", func(in *IDSInput) { in.DatasetHash = "" }, "provenance"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := workedIDS()
			tt.edit(&in)
			_, err := ComputeIDS(in)
			if !errors.Is(err, ErrIncomplete) || !strings.Contains(err.Error(), tt.field) {
				t.Errorf("ComputeIDS = %v, want ErrIncomplete naming %q", err, tt.field)
			}
		})
	}
}

func TestIDSRender(t *testing.T) {
	s, err := ComputeIDS(workedIDS())
	if err != nil {
		t.Fatal(err)
	}
	var h, c strings.Builder
	if err := s.WriteHTML(&h); err != nil {
		t.Fatal(err)
	}
	page := h.String()
	zero, top := strings.Index(page, "received no compensation"), strings.Index(page, "Top 1 %")
	if zero < 0 || top < 0 || zero > top {
		t.Errorf("HTML: zero share at %d, top earners at %d; want the zero share first", zero, top)
	}
	if err := s.WriteCSV(&c); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"headline,zero share,50.0 %", "headline,median gross,20.00", "concentration,Gini,0.870"} {
		if !strings.Contains(c.String(), want) {
			t.Errorf("CSV lacks %q", want)
		}
	}
}

// TestIDSCompanyTestNote: the §5.3 worked example with TX-07 events in
// two periods (compliance.md TX-07 (a): "the IDS notes the event"). The
// figures are those of the worked example; only the note is added, with
// the periods in order whatever order they came in. TX-07 (d) gives
// f = 0.9625; 5/8 is the store test's factor.
func TestIDSCompanyTestNote(t *testing.T) {
	plain, err := ComputeIDS(workedIDS())
	if err != nil {
		t.Fatal(err)
	}
	if plain.CompanyTestNote != "" || len(plain.CompanyTests) != 0 {
		t.Errorf("without events: note %q, events %v; want none", plain.CompanyTestNote, plain.CompanyTests)
	}
	in := workedIDS()
	in.CompanyTests = []CompanyTestEvent{{Period: "2025-11", Factor: Frac(5, 8)}, {Period: "2025-03", Factor: Frac(9625, 10000)}}
	s, err := ComputeIDS(in)
	if err != nil {
		t.Fatal(err)
	}
	want := "In 2025-03 (f = 96.3 %) and 2025-11 (f = 62.5 %) the company-level end-user tests (TX-07) failed"
	if !strings.HasPrefix(s.CompanyTestNote, want) {
		t.Errorf("note = %q, want it to start %q", s.CompanyTestNote, want)
	}
	if s.ZeroShare != plain.ZeroShare || s.Gross.Median != plain.Gross.Median || s.Gini != plain.Gini {
		t.Errorf("the note changed the figures: %+v", s)
	}
	var html, csv strings.Builder
	if err := s.WriteHTML(&html); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteCSV(&csv); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html.String(), "2025-03 (f = 96.3 %) and 2025-11") {
		t.Errorf("HTML lacks the TX-07 note")
	}
	if !strings.Contains(csv.String(), "source mix,TX-07 scaled multi-level pay in 2025-11,f = 62.5 %") {
		t.Errorf("CSV lacks the TX-07 rows:\n%s", csv.String())
	}
}
