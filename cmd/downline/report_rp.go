package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/compliance"
	"github.com/downline/downline/compplan"
)

// readOrders loads orders.csv for the reports that need revenue detail.
// plan may be nil: amounts then have two minor digits and any currency.
func readOrders(path string, plan *compplan.Plan) ([]compplan.Order, error) {
	if plan == nil {
		plan = &compplan.Plan{MinorDigits: minorDigits}
	}
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, usageError{fmt.Errorf("report: %w", err)}
	}
	defer f.Close()
	orders, _, err := compplan.ReadOrdersCSV(path, f, plan, time.UTC)
	if err != nil {
		return nil, usageError{err}
	}
	return orders, nil
}

func runReportCompliance(ctx context.Context, e *env, args []string) error {
	cfg := DefaultConfig()
	fs := newFlagSet(e, "report compliance", "[RESULTS.json...]", "Compute the compliance dashboard (RP-03) from monthly results: the last file is the current\n"+
		"period, all files together the trailing window. With --orders, revenue, personal use and refunds\n"+
		"come from the orders; without, personal use is taken as its rewardable part (a lower bound).\n"+
		"Without files, the figures come from the store (--db): the close of --period and the closes of\n"+
		"the 11 months before it, with revenue, personal use and refunds from the period volumes.")
	configFlags(fs, e, &cfg, false)
	period := fs.String("period", "", "the closed period to report (YYYY-MM; required with the store)")
	ordersPath := fs.String("orders", "", "orders.csv covering the same months (optional)")
	costs := fs.String("costs", "", "CSV of id,tracked_cost,personal_use, for the recoup rate (optional)")
	format := fs.String("format", "text", "text or json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cs, err := readCosts(*costs)
	if err != nil {
		return err
	}
	var ms []month
	var in compliance.DashboardInput
	if len(fs.Args()) == 0 {
		if ms, err = storeDashboard(ctx, &cfg, *period, &in); err != nil {
			return err
		}
	} else {
		if ms, err = loadResults(fs.Args()); err != nil {
			return err
		}
		orders, err := readOrders(*ordersPath, nil)
		if err != nil {
			return err
		}
		orderFigures(ms, orders, &in)
	}
	runFigures(ms, cs, &in)
	in.CompanyTests = companyTests(ms)
	kpis := compliance.Dashboard(in, compliance.DefaultParams())
	if *format == "json" {
		type kpiJSON struct {
			ID, Name, Formula, Value, Level, Threshold, Anchor string
		}
		var out []kpiJSON
		for _, k := range kpis {
			out = append(out, kpiJSON{k.ID, k.Name, k.Formula, k.Value.Decimal(6), string(k.Level), k.Threshold, k.Anchor})
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	ew := &errWriter{w: e.stdout}
	ew.printf("compliance dashboard, %s (trailing %d month(s) from %s)\n", ms[len(ms)-1].period, len(ms), ms[0].period)
	for _, k := range kpis {
		ew.printf("%-5s %-45s %9s   %s [%s]\n", k.Level, k.Name, k.Value.Percent(1), k.Threshold, k.Anchor)
	}
	return ew.err
}

// runFigures fills in the dashboard figures the monthly results give: the
// last month is the current period, all months the trailing window.
func runFigures(ms []month, cs map[string]costRow, in *compliance.DashboardInput) {
	cur := ms[len(ms)-1]
	for _, m := range ms {
		for _, id := range m.ids {
			in.CuV12 += m.cuv[id]
			in.RPCV12 += m.rpcv[id]
		}
	}
	in.Compensation = cur.totalAll
	// A would-be MLC earner has a line on a downline's volume or failed
	// TX-04 with a downline to be paid on (a failure leaves no lines).
	mlc := map[string]bool{}
	for j, l := range cur.lines {
		_, p := cur.splitLine(j)
		in.CompOnRPCV += p
		if l.Level > 0 {
			mlc[l.Earner] = true
		}
	}
	hasDownline := map[string]bool{}
	for _, id := range cur.ids {
		hasDownline[cur.sponsor[id]] = true
	}
	for _, id := range cur.ids {
		in.CuV += cur.cuv[id]
		in.RPCV += cur.rpcv[id]
		in.PerParticipant = append(in.PerParticipant, cur.total[id])
		if strings.Contains(cur.withheld[id], "TX-04") && (mlc[id] || hasDownline[id]) {
			mlc[id] = true
			in.VemmaFailures++
		}
	}
	in.MLCCandidates = len(mlc)
	if len(cs) > 0 {
		cum := map[string]int64{}
		for _, m := range ms {
			for _, id := range m.ids {
				cum[id] += m.total[id]
			}
		}
		for id, c := range cum {
			in.Participants++
			if c >= cs[id].tracked {
				in.Recouped++
			}
		}
	}
}

// orderFigures fills in revenue, personal use and refunds from orders.csv
// (nil: revenue is CuV + RPCV and personal use its rewardable part).
func orderFigures(ms []month, orders []compplan.Order, in *compliance.DashboardInput) {
	cur := ms[len(ms)-1]
	if orders == nil {
		for _, m := range ms {
			for _, id := range m.ids {
				in.Revenue12 += m.cuv[id] + m.rpcv[id]
			}
		}
		for _, id := range cur.ids {
			in.PCV += cur.rpcv[id]
		}
		return
	}
	periods := map[string]bool{}
	for _, m := range ms {
		periods[m.period] = true
	}
	for _, o := range orders {
		p := o.PaidAt.UTC().Format("2006-01")
		if !periods[p] {
			continue
		}
		rev := o.Amount
		if rev == 0 {
			rev = o.CV
		}
		in.Revenue12 += rev
		if o.CV < 0 || o.RefundOf != "" {
			in.Refunds -= rev
		} else {
			in.GrossRevenue += rev
		}
		if p == cur.period && o.Purpose == compplan.PurposePersonalUse {
			in.PCV += o.CV
		}
	}
}

func runReportIncomeSource(ctx context.Context, e *env, args []string) error {
	cfg := DefaultConfig()
	fs := newFlagSet(e, "report income-source", "[RESULTS.json...]", "Print one participant's income-source statement (RP-05) for each month and the year to date:\n"+
		"own-customer commission, overrides on customer and on personal-use volume, tracked costs, net,\n"+
		"the organisation's customer share (TX-04) and the pay each gate withheld. Without files, the\n"+
		"months are the closed runs in the store (--db) from January of --period's year to --period.")
	configFlags(fs, e, &cfg, false)
	id := fs.String("id", "", "distributor id (required with files)")
	dist := fs.Int64("distributor", 0, "distributor id (required with the store)")
	period := fs.String("period", "", "the last closed period of the statement (YYYY-MM; required with the store)")
	format := fs.String("format", "text", "text or json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var ms []month
	var err error
	if len(fs.Args()) == 0 {
		if *dist <= 0 {
			return usageError{errors.New("report income-source: --distributor is required with the store")}
		}
		*id = strconv.FormatInt(*dist, 10)
		if ms, err = storeIncomeSource(ctx, &cfg, *period); err != nil {
			return err
		}
	} else {
		if *id == "" {
			return usageError{errors.New("report income-source: --id is required")}
		}
		if ms, err = loadResults(fs.Args()); err != nil {
			return err
		}
	}
	var stmts []compliance.IncomeSource
	var ytd compliance.IncomeSource
	prm := compliance.DefaultParams()
	for _, m := range ms {
		in := compliance.IncomeSourceInput{Participant: *id, Period: m.period}
		for j, l := range m.lines {
			if l.Earner != *id {
				continue
			}
			if l.Withheld != "" {
				in.Withheld = append(in.Withheld, compliance.Withheld{Gate: l.Withheld,
					Reason: fmt.Sprintf("%s line on distributor %s, level %d", l.Bonus, l.Source, l.Level), Amount: wouldBe(l)})
				continue
			}
			c, p := m.splitLine(j)
			if l.Level == 0 {
				in.Lines = append(in.Lines, compliance.SourceLine{Source: compliance.SourceOwnCustomer, Amount: c + p})
				continue
			}
			in.Lines = append(in.Lines, compliance.SourceLine{Source: compliance.SourceOverrideCustomer, Amount: c},
				compliance.SourceLine{Source: compliance.SourceOverridePersonal, Amount: p})
		}
		in.OrgCuV, in.OrgRevenue = orgFigures(m, *id)
		s, err := compliance.ComputeIncomeSource(in, prm)
		if err != nil {
			return fmt.Errorf("report income-source: %w", err)
		}
		stmts = append(stmts, s)
		ytd = ytd.Add(s)
	}
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Months     []compliance.IncomeSource
			YearToDate compliance.IncomeSource
		}{stmts, ytd})
	}
	ew := &errWriter{w: e.stdout}
	m := compliance.Money
	for _, s := range append(stmts, ytd) {
		ew.printf("participant %s, %s\n", s.Participant, s.Period)
		ew.printf("  own-customer commission     %10s\n  retail margin               %10s\n", m(s.OwnCustomer), m(s.RetailMargin))
		ew.printf("  overrides on customer sales %10s\n  overrides on personal use   %10s\n", m(s.OverrideCustomer), m(s.OverridePersonal))
		ew.printf("  gross                       %10s\n  tracked costs               %10s\n  net                         %10s\n", m(s.Gross), m(s.TrackedCosts), m(s.Net))
		ew.printf("  from customers outside the programme: %s; org customer share %s; Vemma passed %d of %d month(s)\n",
			s.CustomerShareOfIncome.Percent(1), s.OrgCustomerShare.Percent(1), s.VemmaPassed, s.Periods)
		for _, w := range s.Withheld {
			ew.printf("  withheld by %s: %s (%s)\n", w.Gate, m(w.Amount), w.Reason)
		}
	}
	return ew.err
}

// orgFigures returns the TX-04 figures of id's organisation from a result:
// CuV and CuV + RPCV summed over id and its whole downline (personal use
// beyond the rewardable part is not in the results, so revenue is a lower
// bound and the share an upper bound).
func orgFigures(m month, id string) (cuv, rev int64) {
	children := map[string][]string{}
	for _, d := range m.ids {
		if s := m.sponsor[d]; s != "" {
			children[s] = append(children[s], d)
		}
	}
	stack := []string{id}
	for len(stack) > 0 {
		d := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		cuv += m.cuv[d]
		rev += m.cuv[d] + m.rpcv[d]
		stack = append(stack, children[d]...)
	}
	return cuv, rev
}

func runReportTrail(e *env, args []string) error {
	fs := newFlagSet(e, "report trail", "RESULTS.json", "Print the audit trail (RP-04) of one participant's payout lines: each line with its basis,\n"+
		"rate, scale, gate and explanation, the orders of the source distributor in the period that make\n"+
		"up its basis, the plan version and the plan file's SHA-256, and the result hash.")
	id := fs.String("earner", "", "distributor id whose lines are traced (required)")
	bonus := fs.String("bonus", "", "only lines of this bonus")
	planPath := fs.String("plan", "", "the plan file the results were computed with (required)")
	ordersPath := fs.String("orders", "", "orders.csv the results were computed from (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *id == "" || *planPath == "" || *ordersPath == "" {
		return usageError{errors.New("report trail: --earner, --plan and --orders are required")}
	}
	ms, err := loadResults(fs.Args())
	if err != nil {
		return err
	}
	pb, err := os.ReadFile(*planPath)
	if err != nil {
		return usageError{fmt.Errorf("report trail: %w", err)}
	}
	plan, err := compplan.ParsePlan(strings.NewReader(string(pb)))
	if err != nil {
		return usageError{fmt.Errorf("report trail: %s: %w", *planPath, err)}
	}
	sum := sha256.Sum256(pb)
	orders, err := readOrders(*ordersPath, plan)
	if err != nil {
		return err
	}
	ew := &errWriter{w: e.stdout}
	n := 0
	for _, m := range ms {
		if m.plan != plan.ID+" "+plan.Version {
			return usageError{fmt.Errorf("report trail: %s was computed with plan %s, not %s %s", m.file, m.plan, plan.ID, plan.Version)}
		}
		ew.printf("period %s, plan %s (sha256:%s), result %s\n", m.period, m.plan, hex.EncodeToString(sum[:]), m.hash)
		for j, l := range m.lines {
			if l.Earner != *id || *bonus != "" && l.Bonus != *bonus {
				continue
			}
			n++
			ew.printf("  line %d: %s pays %s on distributor %s, level %d (compressed %d): basis %s × rate %s × scale %s = %s",
				j, l.Bonus, l.Earner, l.Source, l.Level, l.CompressedLevel, l.Basis, l.Rate, l.Scale, compliance.Money(m.amount[j]))
			if l.Withheld != "" {
				ew.printf(" [withheld: %s]", l.Withheld)
			}
			ew.printf("\n    %s\n", l.Explain)
			for _, o := range orders {
				if fmt.Sprint(int64(o.Distributor)) != l.Source || o.PaidAt.UTC().Format("2006-01") != m.period {
					continue
				}
				ew.printf("    order %s %s %s cv %s customer %q%s\n", o.ID, o.PaidAt.UTC().Format(time.RFC3339), o.Purpose,
					compliance.Money(o.CV), o.Customer, map[bool]string{true: " refund of " + o.RefundOf, false: ""}[o.RefundOf != ""])
			}
		}
	}
	if n == 0 {
		return downline.Errorf(downline.CodeNotFound, "No payout lines for distributor %s.", *id)
	}
	return ew.err
}
