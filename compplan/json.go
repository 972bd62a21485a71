package compplan

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
)

// WriteJSON writes the result document of issue 3 §3:
//
//	{"period", "plan", "hash", "distributors": [{"id", "cuv", "pv", "gv",
//	"active", "paid_rank", "title_rank", "earnings": {"<bonus id>":
//	"<amount>"}, "total"}], "lines": [{"earner", "bonus", "source",
//	"level", "compressed_level", "basis", "rate", "amount", "explain"}],
//	"totals": {"<bonus id>": "<amount>", "all": "<amount>"}}
//
// with amounts and volumes as decimal strings in major units, IDs as
// strings, distributors by ascending ID and lines in canonical order.
// Extra fields (rpcv, sponsor, legs, binary and stair-step figures,
// withheld, scale, plan version, total_cv, budget; scaled_by and
// company_test when the plan runs TX-07) are added; none of the
// listed ones change.
func (r *Result) WriteJSON(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	p := r.plan
	m := func(v int64) string { return strconv.Quote(FormatMoney(v, p.MinorDigits)) }
	q := strconv.Quote
	fmt.Fprintf(bw, "{\n \"period\": %s,\n \"plan\": %s,\n \"plan_version\": %s,\n \"hash\": %s,\n \"distributors\": [",
		q(r.period.Name), q(p.ID), q(p.Version), q(r.HashHex()))
	order := make([]int32, r.tree.n)
	for i := range order {
		order[i] = int32(i)
	}
	ids := r.tree.ids
	slices.SortFunc(order, func(a, b int32) int { return cmpInt(int64(ids[a]), int64(ids[b])) })
	for k, i := range order {
		d := r.Distributor(int(i))
		if k > 0 {
			bw.WriteString(",")
		}
		sp := ""
		if d.Sponsor != 0 {
			sp = strconv.FormatInt(int64(d.Sponsor), 10)
		}
		fmt.Fprintf(bw, "\n  {\"id\": %s, \"sponsor\": %s, \"cuv\": %s, \"rpcv\": %s, \"pv\": %s, \"gv\": %s, \"active\": %t, \"paid_rank\": %s, \"title_rank\": %s",
			q(strconv.FormatInt(int64(d.ID), 10)), q(sp), m(d.CuV), m(d.RPCV), m(d.PV), m(d.GV), d.Active, q(d.PaidRank), q(d.TitleRank))
		if r.binL != nil {
			fmt.Fprintf(bw, ", \"binary_left\": %s, \"binary_right\": %s, \"binary_matched\": %s, \"carry_left\": %s, \"carry_right\": %s",
				m(d.BinaryLeft), m(d.BinaryRight), m(d.BinaryMatched), m(d.CarryLeft), m(d.CarryRight))
		}
		if r.ssgv != nil {
			fmt.Fprintf(bw, ", \"step_gv\": %s, \"step\": %d, \"broke_away\": %t", m(d.StepGV), d.Step, d.BrokeAway)
		}
		if d.Withheld != "" {
			fmt.Fprintf(bw, ", \"withheld\": %s", q(d.Withheld))
		}
		if legs := r.Legs(int(i)); len(legs) > 0 {
			bw.WriteString(", \"legs\": [")
			for k, l := range legs {
				if k > 0 {
					bw.WriteString(", ")
				}
				fmt.Fprintf(bw, "{\"head\": %s, \"gv\": %s}", q(strconv.FormatInt(int64(l.Head), 10)), m(l.GV))
			}
			bw.WriteString("]")
		}
		bw.WriteString(", \"earnings\": {")
		for bi, v := range d.Earnings {
			if bi > 0 {
				bw.WriteString(", ")
			}
			fmt.Fprintf(bw, "%s: %s", q(p.Bonuses[bi].ID), m(v))
		}
		fmt.Fprintf(bw, "}, \"total\": %s}", m(d.Total))
	}
	bw.WriteString("\n ],\n \"lines\": [")
	for j := range r.lines.n {
		l := r.Line(j)
		if j > 0 {
			bw.WriteString(",")
		}
		ex, _ := json.Marshal(r.Explain(j))
		fmt.Fprintf(bw, "\n  {\"earner\": %s, \"bonus\": %s, \"source\": %s, \"level\": %d, \"compressed_level\": %d, \"basis\": %s, \"rate\": %s, \"scale\": %s, \"amount\": %s",
			q(strconv.FormatInt(int64(l.Earner), 10)), q(l.Bonus), q(strconv.FormatInt(int64(l.Source), 10)), l.Level, l.CompressedLevel,
			m(l.Basis), q(l.Rate.String()), q(l.Scale.String()), m(l.Amount))
		if l.Withheld != "" {
			fmt.Fprintf(bw, ", \"withheld\": %s", q(l.Withheld))
		}
		fmt.Fprintf(bw, ", \"explain\": %s}", ex)
	}
	bw.WriteString("\n ],\n \"totals\": {")
	for bi, v := range r.totals {
		fmt.Fprintf(bw, "%s: %s, ", q(p.Bonuses[bi].ID), m(v))
	}
	fmt.Fprintf(bw, "\"all\": %s},\n \"total_cv\": %s,\n \"budget\": %s,\n \"scale\": %s", m(r.total), m(r.totalCV), m(r.budget), q(r.scale.String()))
	if c := r.company; c.Enabled {
		fmt.Fprintf(bw, ",\n \"scaled_by\": %s,\n \"company_test\": {\"window_12m\": %t, \"revenue\": %s, \"cuv\": %s, \"rpcv\": %s, \"end_user_share\": %s, \"customer_cv_share\": %s, \"fired\": %t, \"factor\": %s}",
			q(r.ScaledBy()), c.Window12, m(c.Revenue), m(c.CuV), m(c.RPCV), q(c.EndUser.String()), q(c.CustomerCV.String()), c.Fired, q(c.Factor.String()))
	}
	bw.WriteString("\n}\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write result: %w", err)
	}
	return nil
}
