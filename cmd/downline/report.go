package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/downline/downline/compliance"
	"github.com/downline/downline/compplan"
)

// runReport dispatches the compliance reports: ids (RP-01), compliance
// (RP-03), income-source (RP-05) and trail (RP-04). They read the results
// JSON of `downline calc` (one file per month) or, for ids, compliance and
// income-source without files, the closed runs in the store (--db).
func runReport(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(e.stdout, "Usage: downline report ids|compliance|income-source|trail [flags] RESULTS.json...\n\n"+
			"  ids            income disclosure statement (RP-01) as JSON, CSV or HTML\n"+
			"  compliance     compliance dashboard figures with alert levels (RP-03)\n"+
			"  income-source  one participant's income-source statement, by month and year to date (RP-05)\n"+
			"  trail          audit trail from a participant's payout lines to orders and plan version (RP-04)\n\n"+
			"RESULTS.json are outputs of 'downline calc --format json', one per month. Without files, ids,\n"+
			"compliance and income-source read the closed runs of the store named by --db:\n"+
			"  downline report ids --db DSN --year 2026\n"+
			"  downline report compliance --db DSN --period 2026-03\n"+
			"  downline report income-source --db DSN --distributor 17 --period 2026-03")
		if len(args) == 0 {
			return usageError{errors.New("report: no report named")}
		}
		return nil
	}
	switch args[0] {
	case "ids":
		return runReportIDS(ctx, e, args[1:])
	case "compliance":
		return runReportCompliance(ctx, e, args[1:])
	case "income-source":
		return runReportIncomeSource(ctx, e, args[1:])
	case "trail":
		return runReportTrail(e, args[1:])
	}
	return usageError{fmt.Errorf("report: unknown report %q (want ids, compliance, income-source or trail)", args[0])}
}

// calcResult is the JSON written by `downline calc`.
type calcResult struct {
	Period       string `json:"period"`
	Plan         string `json:"plan"`
	PlanVersion  string `json:"plan_version"`
	Hash         string `json:"hash"`
	Distributors []struct {
		ID       string            `json:"id"`
		Sponsor  string            `json:"sponsor"`
		CuV      string            `json:"cuv"`
		RPCV     string            `json:"rpcv"`
		PV       string            `json:"pv"`
		Active   bool              `json:"active"`
		Withheld string            `json:"withheld"`
		Earnings map[string]string `json:"earnings"`
		Total    string            `json:"total"`
	} `json:"distributors"`
	Lines   []calcLine        `json:"lines"`
	Totals  map[string]string `json:"totals"`
	TotalCV string            `json:"total_cv"`
}

type calcLine struct {
	Earner          string `json:"earner"`
	Bonus           string `json:"bonus"`
	Source          string `json:"source"`
	Level           int    `json:"level"`
	CompressedLevel int    `json:"compressed_level"`
	Basis           string `json:"basis"`
	Rate            string `json:"rate"`
	Scale           string `json:"scale"`
	Amount          string `json:"amount"`
	Withheld        string `json:"withheld"`
	Explain         string `json:"explain"`
}

// month is one results file in minor units, indexed by distributor id.
type month struct {
	file, period, plan, hash string
	ids                      []string
	sponsor                  map[string]string
	cuv, rpcv, total         map[string]int64
	active                   map[string]bool
	withheld                 map[string]string
	lines                    []calcLine
	amount                   []int64 // per line
	totalAll, totalCV        int64
	// company is the TX-07 factor of a closed run whose company tests
	// failed (undefined otherwise, and for calc results).
	company compliance.Ratio
}

// companyTests lists the months whose TX-07 company tests failed.
func companyTests(ms []month) []compliance.CompanyTestEvent {
	var out []compliance.CompanyTestEvent
	for _, m := range ms {
		if m.company.IsDefined() {
			out = append(out, compliance.CompanyTestEvent{Period: m.period, Factor: m.company})
		}
	}
	return out
}

// minorDigits of calc results: amounts are written with two decimals.
const minorDigits = 2

func loadResults(files []string) ([]month, error) {
	if len(files) == 0 {
		return nil, usageError{errors.New("report: want at least one RESULTS.json")}
	}
	var ms []month
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, usageError{fmt.Errorf("report: %w", err)}
		}
		var r calcResult
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, usageError{fmt.Errorf("report: %s: %w", f, err)}
		}
		m := month{file: f, period: r.Period, plan: r.Plan + " " + r.PlanVersion, hash: r.Hash,
			sponsor: map[string]string{}, cuv: map[string]int64{}, rpcv: map[string]int64{}, total: map[string]int64{},
			active: map[string]bool{}, withheld: map[string]string{}, lines: r.Lines}
		money := func(field, s string) int64 {
			v, perr := compplan.ParseMoney(s, minorDigits)
			if perr != nil && err == nil {
				err = usageError{fmt.Errorf("report: %s: %s %q: %w", f, field, s, perr)}
			}
			return v
		}
		for i, d := range r.Distributors {
			m.ids = append(m.ids, d.ID)
			m.sponsor[d.ID] = d.Sponsor
			m.cuv[d.ID] = money(fmt.Sprintf("distributors[%d].cuv", i), d.CuV)
			m.rpcv[d.ID] = money(fmt.Sprintf("distributors[%d].rpcv", i), d.RPCV)
			m.total[d.ID] = money(fmt.Sprintf("distributors[%d].total", i), d.Total)
			m.active[d.ID] = d.Active
			m.withheld[d.ID] = d.Withheld
		}
		for i, l := range r.Lines {
			m.amount = append(m.amount, money(fmt.Sprintf("lines[%d].amount", i), l.Amount))
		}
		m.totalAll = money("totals.all", r.Totals["all"])
		if r.TotalCV != "" {
			m.totalCV = money("total_cv", r.TotalCV)
		}
		if err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	slices.SortStableFunc(ms, func(a, b month) int { return strings.Compare(a.period, b.period) })
	return ms, nil
}

// splitLine attributes a line's amount to customer volume and to personal
// use. Own-volume lines (level 0) rest on the earner's customers; a line on
// a downline's volume is split in proportion to that source's CuV and RPCV
// (rounded half away from zero, the rest to personal use).
func (m month) splitLine(j int) (onCuV, onRPCV int64) {
	a, l := m.amount[j], m.lines[j]
	if l.Level == 0 {
		return a, 0
	}
	c, r := m.cuv[l.Source], m.rpcv[l.Source]
	if c+r <= 0 || r <= 0 {
		return a, 0
	}
	onCuV = divRoundHalfAway(a*c, c+r)
	return onCuV, a - onCuV
}

func divRoundHalfAway(n, d int64) int64 {
	q, r := n/d, n%d
	if 2*abs(r) >= abs(d) {
		if (n < 0) != (d < 0) {
			q--
		} else {
			q++
		}
	}
	return q
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// wouldBe returns what a withheld line would have paid: basis × rate ×
// scale, rounded once.
func wouldBe(l calcLine) int64 {
	b, err1 := compplan.ParseMoney(l.Basis, minorDigits)
	r, err2 := compplan.ParseFraction(l.Rate)
	s, err3 := compplan.ParseFraction(l.Scale)
	if err1 != nil || err2 != nil {
		return 0
	}
	if err3 != nil || s.IsZero() {
		s = compplan.Rate{Num: 1, Den: 1}
	}
	return compplan.MulRound(b, r, s)
}

// costRow is one participant's tracked costs from a costs CSV.
type costRow struct{ tracked, personal int64 }

// readCosts reads "id,tracked_cost,personal_use" (major units, header row).
func readCosts(path string) (map[string]costRow, error) {
	out := map[string]costRow{}
	if path == "" {
		return out, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, usageError{fmt.Errorf("report: %w", err)}
	}
	for n, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if n == 0 {
			continue
		}
		f := strings.Split(strings.TrimSpace(line), ",")
		if len(f) < 2 {
			return nil, usageError{fmt.Errorf("report: %s:%d: want id,tracked_cost[,personal_use]", path, n+1)}
		}
		var c costRow
		if c.tracked, err = compplan.ParseMoney(f[1], minorDigits); err != nil {
			return nil, usageError{fmt.Errorf("report: %s:%d:2: tracked_cost: %w", path, n+1, err)}
		}
		if len(f) > 2 && f[2] != "" {
			if c.personal, err = compplan.ParseMoney(f[2], minorDigits); err != nil {
				return nil, usageError{fmt.Errorf("report: %s:%d:3: personal_use: %w", path, n+1, err)}
			}
		}
		out[f[0]] = c
	}
	return out, nil
}

// datasetHash is the SHA-256 of the results' own hashes in period order:
// it names exactly the data a statement was computed from.
func datasetHash(ms []month) string {
	h := sha256.New()
	for _, m := range ms {
		io.WriteString(h, m.period+" "+m.hash+"\n")
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

func runReportIDS(ctx context.Context, e *env, args []string) error {
	cfg := DefaultConfig()
	fs := newFlagSet(e, "report ids", "[RESULTS.json...]", "Compute the income disclosure statement (RP-01, compliance.md §5) over every distributor in the\n"+
		"given monthly results or, without files, over the closed runs of --year in the store (--db): every\n"+
		"distributor enrolled in the year, zero-earners included. Exit status 3 when a required field is\n"+
		"missing (publication is blocked).")
	configFlags(fs, e, &cfg, false)
	year := fs.Int("year", 0, "calendar year covered (default: the year of the first results file; required with the store)")
	costs := fs.String("costs", "", "CSV of id,tracked_cost,personal_use per participant for the year (major units)")
	contact := fs.String("contact", "", "contact for substantiation requests (required to publish)")
	preferred := fs.Int("preferred-customers", 0, "number of preferred customers excluded from the population")
	format := fs.String("format", "json", "json, csv, html or pdf")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *format != "json" && *format != "csv" && *format != "html" && *format != "pdf" {
		return usageError{fmt.Errorf("report ids: --format must be json, csv, html or pdf, not %q", *format)}
	}
	cs, err := readCosts(*costs)
	if err != nil {
		return err
	}
	var ms []month
	var enrolled []compliance.IncomeRecord
	if len(fs.Args()) == 0 {
		if ms, enrolled, err = storeIDS(ctx, &cfg, *year); err != nil {
			return err
		}
	} else if ms, err = loadResults(fs.Args()); err != nil {
		return err
	}
	if *year == 0 {
		*year, _ = strconv.Atoi(strings.SplitN(ms[0].period, "-", 2)[0])
	}
	in := compliance.IDSInput{Year: *year, PreferredCustomers: *preferred, Contact: *contact,
		DatasetHash: datasetHash(ms), Generator: "downline report ids", UntrackedMonthly: compliance.DefaultParams().UntrackedMonthlyCost}
	recs := map[string]*compliance.IncomeRecord{}
	var order []string
	for i := range enrolled {
		recs[enrolled[i].ID] = &enrolled[i]
		order = append(order, enrolled[i].ID)
	}
	plans := map[string]bool{}
	for _, m := range ms {
		if !plans[m.plan] {
			plans[m.plan] = true
			in.PlanVersions = append(in.PlanVersions, m.plan)
		}
		for _, id := range m.ids {
			r := recs[id]
			if r == nil {
				r = &compliance.IncomeRecord{ID: id}
				recs[id] = r
				order = append(order, id)
			}
			r.Gross += m.total[id]
			r.Active = r.Active || m.active[id] || m.total[id] > 0
		}
		for j, l := range m.lines {
			c, p := m.splitLine(j)
			if r := recs[l.Earner]; r != nil {
				r.FromCuV += c
				r.FromRPCV += p
			}
		}
	}
	slices.Sort(order)
	for _, id := range order {
		r := recs[id]
		r.TrackedCost, r.PersonalUse = cs[id].tracked, cs[id].personal
		in.Records = append(in.Records, *r)
	}
	in.CompanyTests = companyTests(ms)
	s, err := compliance.ComputeIDS(in)
	if err != nil {
		return blockedError{fmt.Sprintf("report ids: publication blocked: %v", err)}
	}
	switch *format {
	case "csv":
		return s.WriteCSV(e.stdout)
	case "html":
		return s.WriteHTML(e.stdout)
	case "pdf":
		return writeIDSPDF(e.stdout, s)
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}
