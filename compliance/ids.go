package compliance

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DefaultActiveDefinition is the §5.2 default definition of "active".
const DefaultActiveDefinition = "made at least one commissionable customer sale, or received any compensation, in at least one pay period"

// UntrackedStatement is the plain statement of §5.2 item 11.
const UntrackedStatement = "Internet, phone, travel, home office, taxes and the value of time are not included in these figures."

// IncomeRecord is one participant's year for the income disclosure
// statement. Amounts are minor units.
type IncomeRecord struct {
	// ID identifies the participant; it is used only for ordering ties.
	ID string
	// Gross is C_i, the gross compensation paid for the period.
	Gross int64
	// TrackedCost is the company-tracked business cost: fees, kit net of
	// refunds, tools, event tickets and shipping.
	TrackedCost int64
	// PersonalUse is the participant's own PERSONAL_USE purchases, shown
	// separately and excluded from net (§5.2 item 8).
	PersonalUse int64
	// RetailMargin is the margin on receipted resales.
	RetailMargin int64
	// FromCuV and FromRPCV split Gross by the volume it rests on (§5.2
	// item 14); the rest (if any) is unattributed.
	FromCuV, FromRPCV int64
	// EnrolledAt is when the distributor agreement came into force; the
	// zero time means before the period.
	EnrolledAt time.Time
	// LeftAt is when it ended; the zero time means still in force.
	LeftAt time.Time
	// Active reports whether the participant met the stated definition of
	// "active" in at least one pay period.
	Active bool
}

// IDSInput is everything the statement is computed from.
type IDSInput struct {
	// Year is the calendar year covered; Location the programme time zone
	// (UTC when nil).
	Year     int
	Location *time.Location
	// Records holds every participant with an agreement in force on at
	// least one day of the year.
	Records []IncomeRecord
	// PreferredCustomers is the number of preferred customers excluded
	// from the population.
	PreferredCustomers int
	// ActiveDefinition states "active" in full; empty means the default.
	ActiveDefinition string
	// RetailMarginTracked says whether RetailMargin comes from receipts.
	RetailMarginTracked bool
	// UntrackedMonthly is the illustrative untracked monthly cost.
	UntrackedMonthly int64
	// CompanyTests lists the periods of the year whose TX-07 company tests
	// failed and scaled multi-level pay; the statement notes them.
	CompanyTests []CompanyTestEvent
	// Provenance of the figures.
	PlanVersions []string
	DatasetHash  string
	Generator    string
	Contact      string
}

// Band is one row of the band table.
type Band struct {
	Label string
	// Lo < C ≤ Hi; Hi < 0 means unbounded. The $0 band has Lo = Hi = 0.
	Lo, Hi int64
	Count  int
	Share  Ratio
}

// Distribution is §5.2 item 5 for one population.
type Distribution struct {
	Summary
	ZeroShare       Ratio
	AtMost1000Share Ratio
	Bands           []Band
	// MaxBand is the label of the band holding the largest amount.
	MaxBand string
}

// Cohort is a named sub-population with its distribution.
type Cohort struct {
	Label string
	Distribution
}

// IDS is the income disclosure statement of compliance.md §5 (RP-01).
type IDS struct {
	Year                       int
	Start, End                 time.Time
	NAll                       int
	PreferredCustomersExcluded int
	ActiveDefinition           string
	NActive                    int
	// ZeroShare is Z over N_all, the first headline figure.
	ZeroShare Ratio
	// Gross is over N_all; Active is secondary.
	Gross, Active Distribution
	FullYear      Cohort
	Tenure        []Cohort
	// TrackedCost and PersonalUse summarise the company-tracked costs.
	TrackedCost, PersonalUse Summary
	// Net is N_i = C_i − TrackedCost_i; NetNegativeShare the share below 0.
	Net              Summary
	NetNegativeShare Ratio
	// RetailMargin is nil when margin is not tracked.
	RetailMargin       *Summary
	UntrackedStatement string
	UntrackedMonthly   int64
	Top1Share          Ratio
	Top10Share         Ratio
	Gini               float64
	// AttritionShare is the share of participants at the start of the year
	// who left during it; MedianTenureMonths the median tenure at the end
	// of the year or at leaving, in whole months.
	AttritionShare     Ratio
	MedianTenureMonths int64
	// CuVShare and RPCVShare split total compensation by its base.
	CuVShare, RPCVShare Ratio
	// CompanyTests are the periods where TX-07 scaled multi-level pay,
	// oldest first, and CompanyTestNote says so in a sentence ("" when
	// none).
	CompanyTests    []CompanyTestEvent
	CompanyTestNote string
	PlanVersions    []string
	DatasetHash     string
	Generator       string
	Contact         string
	// Headline lists the figures a reader sees first, in order: the zero
	// share and the median always precede any top-earner figure.
	Headline []string
}

// bandEdges are the upper bounds (in minor units) of the §5.2 band table.
var bandEdges = []struct {
	label  string
	lo, hi int64
}{
	{"$0", 0, 0},
	{"$0.01–100", 0, 10000},
	{"$100.01–500", 10000, 50000},
	{"$500.01–1,000", 50000, 100000},
	{"$1,000.01–5,000", 100000, 500000},
	{"$5,000.01–25,000", 500000, 2500000},
	{"$25,000.01–100,000", 2500000, 10000000},
	{"> $100,000", 10000000, -1},
}

func inBand(lo, hi, x int64) bool {
	if hi == 0 {
		return x <= 0
	}
	return x > lo && (hi < 0 || x <= hi)
}

func distribution(xs []int64) Distribution {
	d := Distribution{Summary: Summarize(xs)}
	n := int64(len(xs))
	d.ZeroShare = Frac(int64(count(xs, func(x int64) bool { return x == 0 })), n)
	d.AtMost1000Share = Frac(int64(count(xs, func(x int64) bool { return x <= 100000 })), n)
	for _, e := range bandEdges {
		b := Band{Label: e.label, Lo: e.lo, Hi: e.hi}
		b.Count = count(xs, func(x int64) bool { return inBand(e.lo, e.hi, x) })
		b.Share = Frac(int64(b.Count), n)
		if n > 0 && inBand(e.lo, e.hi, d.Max) {
			d.MaxBand = e.label
		}
		d.Bands = append(d.Bands, b)
	}
	return d
}

// ErrIncomplete is returned by ComputeIDS when a required field of §5.2 is
// missing; publication is blocked (RP-01).
var ErrIncomplete = errors.New("income disclosure statement incomplete")

// ComputeIDS computes the statement. It returns an error wrapping
// ErrIncomplete, naming the field, when §5.2 cannot be filled: no year, no
// participants, or missing provenance.
func ComputeIDS(in IDSInput) (IDS, error) {
	loc := in.Location
	if loc == nil {
		loc = time.UTC
	}
	switch {
	case in.Year <= 0:
		return IDS{}, fmt.Errorf("field period: %w", ErrIncomplete)
	case len(in.Records) == 0:
		return IDS{}, fmt.Errorf("field population: no participants: %w", ErrIncomplete)
	case len(in.PlanVersions) == 0 || in.DatasetHash == "" || in.Generator == "" || in.Contact == "":
		return IDS{}, fmt.Errorf("field provenance: plan versions, dataset hash, generator and contact are required: %w", ErrIncomplete)
	}
	start := time.Date(in.Year, time.January, 1, 0, 0, 0, 0, loc)
	end := time.Date(in.Year+1, time.January, 1, 0, 0, 0, 0, loc)
	recs := slices.Clone(in.Records)
	slices.SortFunc(recs, func(a, b IncomeRecord) int {
		if a.ID < b.ID {
			return -1
		} else if a.ID > b.ID {
			return 1
		}
		return 0
	})
	s := IDS{
		Year: in.Year, Start: start, End: end.Add(-time.Nanosecond),
		NAll:                       len(recs),
		PreferredCustomersExcluded: in.PreferredCustomers,
		ActiveDefinition:           in.ActiveDefinition,
		UntrackedStatement:         UntrackedStatement,
		UntrackedMonthly:           in.UntrackedMonthly,
		PlanVersions:               slices.Clone(in.PlanVersions),
		DatasetHash:                in.DatasetHash,
		Generator:                  in.Generator,
		Contact:                    in.Contact,
	}
	if s.ActiveDefinition == "" {
		s.ActiveDefinition = DefaultActiveDefinition
	}
	var gross, active, full, costs, personal, net, margin []int64
	tenure := map[string][]int64{}
	var atStart, left int64
	var tenures []int64
	var cuv, rpcv, total int64
	for _, r := range recs {
		gross = append(gross, r.Gross)
		total += r.Gross
		cuv += r.FromCuV
		rpcv += r.FromRPCV
		if r.Active {
			active = append(active, r.Gross)
		}
		if !r.EnrolledAt.After(start) && (r.LeftAt.IsZero() || !r.LeftAt.Before(end)) {
			full = append(full, r.Gross)
		}
		costs = append(costs, r.TrackedCost)
		personal = append(personal, r.PersonalUse)
		net = append(net, r.Gross-r.TrackedCost)
		margin = append(margin, r.RetailMargin)
		switch {
		case r.EnrolledAt.IsZero() || r.EnrolledAt.In(loc).Year() < in.Year-1:
			tenure["earlier"] = append(tenure["earlier"], r.Gross)
		default:
			y := strconv.Itoa(r.EnrolledAt.In(loc).Year())
			tenure[y] = append(tenure[y], r.Gross)
		}
		if !r.EnrolledAt.After(start) {
			atStart++
			if !r.LeftAt.IsZero() && r.LeftAt.Before(end) {
				left++
			}
		}
		until := end
		if !r.LeftAt.IsZero() && r.LeftAt.Before(end) {
			until = r.LeftAt
		}
		if !r.EnrolledAt.IsZero() {
			tenures = append(tenures, monthsBetween(r.EnrolledAt.In(loc), until.In(loc)))
		}
	}
	s.Gross = distribution(gross)
	s.ZeroShare = s.Gross.ZeroShare
	s.NActive = len(active)
	s.Active = distribution(active)
	s.FullYear = Cohort{Label: "enrolled for the whole of " + strconv.Itoa(in.Year), Distribution: distribution(full)}
	for _, label := range []string{strconv.Itoa(in.Year), strconv.Itoa(in.Year - 1), "earlier"} {
		name := "joined in " + label
		if label == "earlier" {
			name = "joined before " + strconv.Itoa(in.Year-1)
		}
		s.Tenure = append(s.Tenure, Cohort{Label: name, Distribution: distribution(tenure[label])})
	}
	s.TrackedCost = Summarize(costs)
	s.PersonalUse = Summarize(personal)
	s.Net = Summarize(net)
	s.NetNegativeShare = Frac(int64(count(net, func(x int64) bool { return x < 0 })), int64(len(net)))
	if in.RetailMarginTracked {
		m := Summarize(margin)
		s.RetailMargin = &m
	}
	s.Top1Share = TopShare(gross, 1)
	s.Top10Share = TopShare(gross, 10)
	s.Gini = Gini(gross)
	s.AttritionShare = Frac(left, atStart)
	if len(tenures) > 0 {
		s.MedianTenureMonths = Summarize(tenures).Median
	} else {
		s.MedianTenureMonths = 12
	}
	s.CuVShare = Frac(cuv, total)
	s.RPCVShare = Frac(rpcv, total)
	s.CompanyTests, s.CompanyTestNote = companyTestNote(in.CompanyTests)
	s.Headline = []string{
		fmt.Sprintf("%s of all %d participants received no compensation in %d.", s.ZeroShare.Percent(1), s.NAll, in.Year),
		fmt.Sprintf("The median participant received $%s (mean $%s).", Money(s.Gross.Median), Money(s.Gross.Mean)),
		fmt.Sprintf("%s received $1,000 or less.", s.Gross.AtMost1000Share.Percent(1)),
		fmt.Sprintf("After company-tracked costs, %s had a negative result; the median net was $%s.", s.NetNegativeShare.Percent(1), Money(s.Net.Median)),
		fmt.Sprintf("The top 10 %% of earners received %s of all compensation (top 1 %%: %s).", s.Top10Share.Percent(1), s.Top1Share.Percent(1)),
	}
	return s, nil
}

// companyTestNote orders the TX-07 events by period and writes the IDS
// note naming them: "In 2026-03 (f = 62.5 %) and 2026-05 (f = 90 %) the
// company-level end-user tests (TX-07) failed, and multi-level pay was
// multiplied by f."
func companyTestNote(evs []CompanyTestEvent) ([]CompanyTestEvent, string) {
	if len(evs) == 0 {
		return nil, ""
	}
	evs = slices.Clone(evs)
	slices.SortFunc(evs, func(a, b CompanyTestEvent) int { return strings.Compare(a.Period, b.Period) })
	parts := make([]string, len(evs))
	for i, e := range evs {
		parts[i] = e.Period + " (f = " + e.Factor.Percent(1) + ")"
	}
	list := parts[0]
	if n := len(parts); n > 1 {
		list = strings.Join(parts[:n-1], ", ") + " and " + parts[n-1]
	}
	return evs, "In " + list + " the company-level end-user tests (TX-07) failed for the trailing 12 months, and multi-level pay was multiplied by f, so overrides in those periods were below the plan rates."
}

// monthsBetween returns the whole months from a to b (0 when b is before a).
func monthsBetween(a, b time.Time) int64 {
	m := int64(b.Year()-a.Year())*12 + int64(b.Month()-a.Month())
	if b.Day() < a.Day() {
		m--
	}
	return max(m, 0)
}
