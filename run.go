package downline

import (
	"context"
	"strconv"
	"time"
)

// PlanVersion is one stored version of the compensation plan: its YAML text
// exactly as activated and the SHA-256 of that text. A run names the plan
// version it evaluated, so a closed period can always be recomputed.
type PlanVersion struct {
	ID      int64
	Hash    string // hex SHA-256 of YAML
	PlanID  string // the plan's own name ("plan:" in YAML)
	Version string // the plan's own version string
	YAML    string
	// ActiveFrom is the first period ("YYYY-MM") the version applies to.
	// A period is evaluated with the version of the greatest ActiveFrom
	// not after it (ties: the one activated last).
	ActiveFrom string
	CreatedAt  time.Time
}

// RunKind says whether a run is a repeatable preview or the period's close.
type RunKind string

// The run kinds.
const (
	RunPreview RunKind = "preview"
	RunClose   RunKind = "close"
)

// Run is one evaluation of a period. A preview may be repeated and
// compared; the close is the one final run of its period, frozen with the
// hash of its inputs and posted to the ledger in the same transaction.
type Run struct {
	ID            RunID
	Period        string
	Kind          RunKind
	PlanVersionID int64
	PlanHash      string
	// StatePeriod is the closed period whose carried state the run read;
	// empty when it read none.
	StatePeriod string
	// InputHash is the hex SHA-256 of everything the run read: plan hash,
	// period, carried state, the tree at period end, every volume row and
	// clawback input. ResultHash is the engine's canonical result hash.
	InputHash    string
	ResultHash   string
	Currency     string
	Distributors int
	Lines        int
	// Total is the sum of the plan's lines; Clawbacks the (non-positive)
	// sum of the clawback lines of refunds of closed periods' orders.
	Total     int64
	Clawbacks int64
	TotalCV   int64
	// ScaleNum/ScaleDen is the payout-cap scale factor (1/1 when unused).
	ScaleNum, ScaleDen int64
	// ScaledBy names the gates that set the scale: "TX-07", "TX-08",
	// "TX-07,TX-08" or "". CompanyTestFired records that the TX-07
	// company-level end-user tests failed (an alert and an IDS note), and
	// CompanyFactorNum/Den the factor f they applied (1/1 otherwise).
	ScaledBy                           string
	CompanyTestFired                   bool
	CompanyFactorNum, CompanyFactorDen int64
	// HoldDays and PayableAt: the close's earnings become payable at
	// PayableAt, the period's end plus HoldDays (TX-09).
	HoldDays  int
	PayableAt time.Time
	CreatedAt time.Time
}

// CommissionLine is one stored commission line of a run. Clawback lines
// (Kind "clawback") name the refund and order they reverse and have a
// non-positive amount.
type CommissionLine struct {
	RunID           RunID
	LineNo          int64
	Earner          DistributorID
	Bonus           string
	Kind            string
	Source          DistributorID
	Level           int
	CompressedLevel int
	Basis           int64
	RateNum         int64
	RateDen         int64
	ScaleNum        int64
	ScaleDen        int64
	Amount          int64
	Withheld        string
	RefundID        RefundID
	OrderID         OrderID
	// ScaledBy names the gates that set a scaled line's scale: the run's
	// ScaledBy ("TX-07", "TX-08" or "TX-07,TX-08"); "" means the payout cap
	// (runs stored before the TX-07 gate existed).
	ScaledBy string
}

// RunTotalDiff is one distributor whose total differs between two runs.
type RunTotalDiff struct {
	DistributorID DistributorID
	From, To      int64
}

// RunLineDiff is one (earner, bonus, source, level) key whose amount differs
// between two runs; a line missing on one side counts as zero there.
type RunLineDiff struct {
	Earner          DistributorID
	Bonus           string
	Source          DistributorID
	CompressedLevel int
	From, To        int64
}

// RunDiff compares two runs of the same period.
type RunDiff struct {
	From, To *Run
	Totals   []RunTotalDiff
	Lines    []RunLineDiff
}

// RunOptions tune a preview or close.
type RunOptions struct {
	// HoldDays is the commission hold (TX-09); negative means the default
	// of 30 days.
	HoldDays int
	// Progress, when set, is called with a stage name and how far it got.
	Progress func(stage string, done, total int)
}

// DefaultHoldDays is the default commission hold: the cooling-off window of
// TX-09.
const DefaultHoldDays = 30

// RunService evaluates, freezes and compares commission runs.
type RunService interface {
	// ActivatePlan stores a plan version (its YAML is parsed and validated)
	// applying from period activeFrom. Storing the same text for the same
	// period again is a no-op. Returns CodeInvalid for a bad plan or
	// period.
	ActivatePlan(ctx context.Context, yaml, activeFrom string) (*PlanVersion, error)

	// PreviewRun evaluates the period and stores the result as a preview.
	// Returns CodeInvalid for a bad period, CodeNotFound when no plan
	// version applies, CodeConflict when the period is already closed.
	PreviewRun(ctx context.Context, period string, opts RunOptions) (*Run, error)

	// CloseRun evaluates the period, stores the final run, its lines and
	// carried state, and posts earnings and clawbacks to the ledger, all in
	// one transaction. Closing a period that is already closed returns the
	// stored close unchanged (the retry of an interrupted or finished
	// close). Returns CodeConflict when a later period is closed or the
	// previous one is not, and the errors of PreviewRun.
	CloseRun(ctx context.Context, period string, opts RunOptions) (*Run, error)

	// FindRuns returns the runs of a period ("" for all), newest first.
	FindRuns(ctx context.Context, period string) ([]*Run, error)

	// FindRunByID returns one run. Returns CodeNotFound.
	FindRunByID(ctx context.Context, id RunID) (*Run, error)

	// DiffRuns compares per-distributor totals and lines of two runs.
	// Returns CodeNotFound.
	DiffRuns(ctx context.Context, from, to RunID) (*RunDiff, error)

	// FindRunLines returns the lines of a run earned by one distributor
	// (0 for all), in line order.
	FindRunLines(ctx context.Context, id RunID, earner DistributorID) ([]*CommissionLine, error)
}

// PeriodStatement is what one distributor's statement for a closed period
// shows: every line the close paid or clawed back, and the movements of the
// distributor's balance (what the company owes, earned plus payable minus
// clawback receivable) over the transactions dated in the period. Clawbacks
// and Paid are positive amounts that reduce the balance; Adjustments
// carries its sign; Closing = Opening + Earned − Clawbacks + Adjustments −
// Paid.
type PeriodStatement struct {
	Programme       string
	DistributorID   DistributorID
	DistributorName string
	Period          string
	Currency        string
	Run             *Run
	Lines           []*CommissionLine
	Opening         int64
	Earned          int64
	Clawbacks       int64
	Adjustments     int64
	Paid            int64
	Closing         int64
}

// Explain renders the line as one sentence a person can check by hand,
// for example "20 % of 1000.00 EUR from distributor 2 = 200.00 EUR".
func (l *CommissionLine) Explain(currency string) string {
	m := func(v int64) string { return NewMoney(v, currency).String() }
	s := formatPercent(l.RateNum, l.RateDen) + " of " + m(l.Basis) + " from distributor " + strconv.FormatInt(int64(l.Source), 10)
	if l.Level > 0 {
		s += ", level " + strconv.Itoa(l.Level)
		if l.CompressedLevel != l.Level {
			s += " (paid as level " + strconv.Itoa(l.CompressedLevel) + " after compression)"
		}
	}
	switch {
	case l.ScaleDen <= 0 || l.ScaleNum == l.ScaleDen:
	case l.Kind == "clawback":
		// A clawback's scale is the line's scale times the share of its
		// bonus the earner was paid after caps.
		s += " × " + formatFraction(l.ScaleNum, l.ScaleDen) + " (the share paid after scaling and caps)"
	default:
		s += ", scaled by " + formatFraction(l.ScaleNum, l.ScaleDen) + " for " + scaleGates(l.ScaledBy)
	}
	switch {
	case l.Kind == "clawback":
		s = "clawback of " + s + " refunded (refund " + strconv.FormatInt(int64(l.RefundID), 10) + " of order " +
			strconv.FormatInt(int64(l.OrderID), 10) + ")"
	case l.Withheld != "":
		s += ", withheld by " + l.Withheld
	}
	return s + " = " + m(l.Amount)
}

// formatPercent writes num/den as a percentage with up to six decimals
// ("20 %", "2.9 %"), or as a fraction when it does not terminate there.
func formatPercent(num, den int64) string {
	if den <= 0 {
		return "?"
	}
	const scale = 1000000
	v, err := MulDiv(num, 100*scale, den)
	if err != nil || v*den != num*100*scale {
		return formatFraction(num, den)
	}
	whole, frac := v/scale, v%scale
	s := strconv.FormatInt(whole, 10)
	if frac != 0 {
		f := strconv.FormatInt(frac+scale, 10)[1:]
		for f[len(f)-1] == '0' {
			f = f[:len(f)-1]
		}
		s += "." + f
	}
	return s + " %"
}

func formatFraction(num, den int64) string {
	return strconv.FormatInt(num, 10) + "/" + strconv.FormatInt(den, 10)
}

// scaleGates names the gates of a run's ScaledBy in words.
func scaleGates(scaledBy string) string {
	switch scaledBy {
	case "TX-07":
		return "the TX-07 company end-user tests"
	case "TX-07,TX-08":
		return "the TX-07 company end-user tests and the TX-08 payout cap"
	}
	return "the TX-08 payout cap"
}
