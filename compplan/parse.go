package compplan

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// PlanError is one problem in a plan file: the YAML path, its line and
// column, and what is wrong.
type PlanError struct {
	File         string
	Path         string
	Line, Column int
	Msg          string
}

func (e *PlanError) Error() string {
	f := e.File
	if f == "" {
		f = "plan"
	}
	if e.Path == "" {
		return fmt.Sprintf("%s:%d:%d: %s", f, e.Line, e.Column, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s: %s", f, e.Line, e.Column, e.Path, e.Msg)
}

// LoadPlan reads and parses the plan file at path.
func LoadPlan(path string) (*Plan, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load plan: %w", err)
	}
	return parsePlan(path, b)
}

// ParsePlan parses and validates a plan from YAML. Errors are *PlanError
// values (joined with errors.Join when there are several) naming the YAML
// path and line.
func ParsePlan(r io.Reader) (*Plan, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	return parsePlan("", b)
}

// parser walks a yaml.Node tree, collecting errors with paths and lines.
type parser struct {
	file string
	errs []error
	src  map[string]int
}

func (ps *parser) errorf(path string, n *yaml.Node, format string, args ...any) {
	line, col := 0, 0
	if n != nil {
		line, col = n.Line, n.Column
	}
	ps.errs = append(ps.errs, &PlanError{File: ps.file, Path: path, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)})
}

// obj is one YAML mapping being read; done reports unknown keys.
type obj struct {
	ps   *parser
	path string
	node *yaml.Node
	keys map[string]*yaml.Node
	knum map[string]*yaml.Node
	used map[string]bool
}

func (ps *parser) object(path string, n *yaml.Node) *obj {
	o := &obj{ps: ps, path: path, node: n, keys: map[string]*yaml.Node{}, knum: map[string]*yaml.Node{}, used: map[string]bool{}}
	if n == nil {
		return o
	}
	if n.Kind != yaml.MappingNode {
		ps.errorf(path, n, "want a mapping")
		return o
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i].Value
		if _, dup := o.keys[k]; dup {
			ps.errorf(o.sub(k), n.Content[i], "duplicate key")
		}
		o.keys[k] = n.Content[i+1]
		o.knum[k] = n.Content[i]
	}
	return o
}

func (o *obj) sub(k string) string {
	if o.path == "" {
		return k
	}
	return o.path + "." + k
}

func (o *obj) get(k string) *yaml.Node {
	o.used[k] = true
	n := o.keys[k]
	if n != nil {
		o.ps.src[o.sub(k)] = n.Line
	}
	if n != nil && n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	return n
}

func (o *obj) done() {
	var unknown []string
	for k := range o.keys {
		if !o.used[k] {
			unknown = append(unknown, k)
		}
	}
	slices.Sort(unknown)
	for _, k := range unknown {
		o.ps.errorf(o.sub(k), o.knum[k], "unknown field %q", k)
	}
}

func (o *obj) scalar(k string, required bool) (string, *yaml.Node) {
	n := o.get(k)
	if n == nil {
		if required {
			o.ps.errorf(o.sub(k), o.node, "missing required field")
		}
		return "", nil
	}
	if n.Kind != yaml.ScalarNode {
		o.ps.errorf(o.sub(k), n, "want a single value")
		return "", nil
	}
	return n.Value, n
}

func (o *obj) str(k string, required bool) string {
	s, _ := o.scalar(k, required)
	return s
}

func (o *obj) oneOf(k, def string, allowed ...string) string {
	s, n := o.scalar(k, false)
	if n == nil {
		return def
	}
	if !slices.Contains(allowed, s) {
		o.ps.errorf(o.sub(k), n, "want one of %s, got %q", strings.Join(allowed, ", "), s)
		return def
	}
	return s
}

func (o *obj) boolean(k string, def bool) bool {
	s, n := o.scalar(k, false)
	if n == nil {
		return def
	}
	switch s {
	case "true":
		return true
	case "false":
		return false
	}
	o.ps.errorf(o.sub(k), n, "want true or false, got %q", s)
	return def
}

func (o *obj) integer(k string, min, max int) int {
	s, n := o.scalar(k, false)
	if n == nil {
		return 0
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < min || v > max {
		o.ps.errorf(o.sub(k), n, "want a whole number from %d to %d, got %q", min, max, s)
		return 0
	}
	return v
}

func (o *obj) percent(k string, required bool) Rate {
	s, n := o.scalar(k, required)
	if n == nil {
		return Rate{0, 1}
	}
	r, err := ParsePercent(s)
	if err != nil {
		o.ps.errorf(o.sub(k), n, "want a percentage like \"6\" or \"2.9\": %v", err)
		return Rate{0, 1}
	}
	return r
}

// fraction reads an optional fraction of at most 1 written as "2/3" or as
// a decimal ("0.6667").
func (o *obj) fraction(k string) Rate {
	s, n := o.scalar(k, false)
	if n == nil {
		return Rate{0, 1}
	}
	r, err := ParseFraction(s)
	if err != nil || r.Num > r.Den {
		o.ps.errorf(o.sub(k), n, "want a fraction of at most 1 like \"2/3\": %v", err)
		return Rate{0, 1}
	}
	return r
}

func (o *obj) money(k string, required bool, digits int) int64 {
	s, n := o.scalar(k, required)
	if n == nil {
		return 0
	}
	v, err := ParseMoney(s, digits)
	if err != nil || v < 0 {
		if err == nil {
			err = errors.New("negative")
		}
		o.ps.errorf(o.sub(k), n, "want an amount in major units like \"100\" or \"12.50\": %v", err)
		return 0
	}
	return v
}

// list returns the items of a sequence field.
func (o *obj) list(k string) []*yaml.Node {
	n := o.get(k)
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		o.ps.errorf(o.sub(k), n, "want a list")
		return nil
	}
	return n.Content
}

func (o *obj) strings(k string) ([]string, []*yaml.Node) {
	var out []string
	var nodes []*yaml.Node
	for i, n := range o.list(k) {
		if n.Kind != yaml.ScalarNode {
			o.ps.errorf(fmt.Sprintf("%s[%d]", o.sub(k), i), n, "want a single value")
			continue
		}
		out = append(out, n.Value)
		nodes = append(nodes, n)
	}
	return out, nodes
}

func parsePlan(file string, b []byte) (*Plan, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &PlanError{File: file, Line: 1, Column: 1, Msg: "empty plan"}
		}
		return nil, &PlanError{File: file, Line: yamlErrLine(err), Column: 1, Msg: "not valid YAML: " + err.Error()}
	}
	if len(doc.Content) == 0 {
		return nil, &PlanError{File: file, Line: 1, Column: 1, Msg: "empty plan"}
	}
	ps := &parser{file: file, src: map[string]int{}}
	p := ps.plan(doc.Content[0])
	if len(ps.errs) > 0 {
		return nil, errors.Join(ps.errs...)
	}
	p.Src = ps.src
	return p, nil
}

// yamlErrLine extracts "line N" from a yaml error message, or 1.
func yamlErrLine(err error) int {
	s := err.Error()
	if i := strings.Index(s, "line "); i >= 0 {
		j := i + 5
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if v, e := strconv.Atoi(s[i+5 : j]); e == nil {
			return v
		}
	}
	return 1
}

func (ps *parser) plan(root *yaml.Node) *Plan {
	o := ps.object("", root)
	p := &Plan{MinorDigits: 2, TimeZone: "UTC", Rounding: "half_away_from_zero"}
	p.ID = o.str("plan", true)
	p.Version = o.str("version", true)
	p.Currency = o.str("currency", true)
	if s, n := o.scalar("minor_digits", false); n != nil {
		v, err := strconv.Atoi(s)
		if err != nil || v < 0 || v > 4 {
			ps.errorf("minor_digits", n, "want 0 to 4, got %q", s)
		} else {
			p.MinorDigits = v
		}
	}
	if s, n := o.scalar("timezone", false); n != nil {
		if _, err := time.LoadLocation(s); err != nil {
			ps.errorf("timezone", n, "unknown time zone %q", s)
		} else {
			p.TimeZone = s
		}
	}
	p.Rounding = o.oneOf("rounding", "half_away_from_zero", "half_away_from_zero")
	o.oneOf("period", "monthly", "monthly")
	d := p.MinorDigits

	p.Compliance = ps.compliance(o, d)
	for i, n := range o.list("skus") {
		path := fmt.Sprintf("skus[%d]", i)
		so := ps.object(path, n)
		s := SKU{ID: so.str("id", true), Type: so.oneOf("type", "subscription", "subscription", "support", "service", "professional_service", "training", "tool", "fee", "event", "kit"),
			Commissionable: so.boolean("commissionable", false), Refundable: so.boolean("refundable", false)}
		so.done()
		p.SKUs = append(p.SKUs, s)
	}

	p.Volume.ReceiptedResale = true
	if n := o.get("volume"); n != nil {
		vo := ps.object("volume", n)
		p.Volume.ReceiptedResale = vo.boolean("receipted_resale", true)
		if pn := vo.get("personal_use"); pn != nil {
			po := ps.object("volume.personal_use", pn)
			pu := &PersonalUse{Share: Rate{1, 3}}
			if po.boolean("rewardable", true) {
				pu.Cap = po.money("cap", false, d)
				if s, sn := po.scalar("share", false); sn != nil {
					r, err := ParseFraction(s)
					if err != nil || r.Num >= r.Den {
						ps.errorf("volume.personal_use.share", sn, "want a fraction below 1 like \"1/3\": %v", err)
					} else {
						pu.Share = r
					}
				}
				p.Volume.PersonalUse = pu
			}
			po.done()
		}
		vo.done()
	}
	if n := o.get("active"); n != nil {
		ao := ps.object("active", n)
		p.Active.MinCuV = ao.money("min_cuv", false, d)
		p.Active.MinCustomerOrders = ao.integer("min_customer_orders", 0, 1<<20)
		ao.done()
	}
	p.RankGracePeriods = o.integer("rank_grace_periods", 0, 120)
	ps.ranks(o, p)
	if n := o.get("gates"); n != nil {
		g := ps.object("gates", n)
		p.Gates.PayoutCap = g.percent("payout_cap_pct", false)
		p.Gates.MinActiveCustomers = g.integer("min_active_customers", 0, 1<<20)
		p.Gates.CustomerShareMin = g.percent("customer_share_min_pct", false)
		p.Gates.SellThroughMin = g.percent("sell_through_min_pct", false)
		p.Gates.EndUserMin = g.percent("end_user_min_pct", false)
		p.Gates.CustomerCVMin = g.fraction("customer_cv_share_min")
		p.Gates.CNOwnSalesCap = g.percent("cn_own_sales_cap_pct", false)
		for _, k := range []string{"sell_through_min_pct", "end_user_min_pct", "cn_own_sales_cap_pct"} {
			if n := g.get(k); n != nil {
				if r, err := ParsePercent(n.Value); err == nil && r.Num > r.Den {
					ps.errorf(g.sub(k), n, "want at most 100")
				}
			}
		}
		g.done()
	}
	ps.bonuses(o, p)
	o.done()
	return p
}

func (ps *parser) compliance(o *obj, d int) Compliance {
	var c Compliance
	n := o.get("compliance")
	if n == nil {
		return c
	}
	co := ps.object("compliance", n)
	for i, fn := range co.list("mandatory_fees") {
		fo := ps.object(fmt.Sprintf("compliance.mandatory_fees[%d]", i), fn)
		c.MandatoryFees = append(c.MandatoryFees, Fee{ID: fo.str("id", true), Amount: fo.money("amount", true, d)})
		fo.done()
	}
	if kn := co.get("optional_kit"); kn != nil {
		ko := ps.object("compliance.optional_kit", kn)
		c.OptionalKit = &Kit{Price: ko.money("price", true, d), Cost: ko.money("cost", true, d),
			Commissionable: ko.boolean("commissionable", false), RefundPct: ko.percent("refund_pct", false),
			RefundWindowDays: ko.integer("refund_window_days", 0, 3660)}
		ko.done()
	}
	c.CoolingOffDays = co.integer("cooling_off_days", 0, 3660)
	c.BuybackPct = co.percent("buyback_pct", false)
	c.BuybackWindowMonth = co.integer("buyback_window_months", 0, 120)
	c.ContractClauses, _ = co.strings("contract_clauses")
	c.ChangeNoticeDays = co.integer("change_notice_days", 0, 3660)
	c.First7dCap = co.money("first7d_cap", false, d)
	c.PlacementPolicy = co.oneOf("placement_policy", "", "participant", "automatic", "sponsor_discretion")
	c.MandatoryEvents, _ = co.strings("mandatory_events")
	c.MarketSize = co.integer("market_size", 0, 1<<30)
	co.done()
	return c
}

func (ps *parser) ranks(o *obj, p *Plan) {
	nodes := o.list("ranks")
	if len(nodes) > 100 {
		ps.errorf("ranks", o.get("ranks"), "at most 100 ranks")
		return
	}
	seen := map[string]bool{}
	for i, n := range nodes {
		path := fmt.Sprintf("ranks[%d]", i)
		ro := ps.object(path, n)
		r := Rank{ID: ro.str("id", true), Name: ro.str("name", false)}
		if r.ID != "" && seen[r.ID] {
			ps.errorf(path+".id", ro.get("id"), "duplicate rank id %q", r.ID)
		}
		seen[r.ID] = true
		if r.Name == "" {
			r.Name = r.ID
		}
		for j, qn := range ro.list("requires") {
			qp := fmt.Sprintf("%s.requires[%d]", path, j)
			qo := ps.object(qp, qn)
			q := Requirement{Metric: Metric(qo.oneOf("metric", "", string(MetricCuV), string(MetricPV), string(MetricGV), string(MetricQualifyingGV),
				string(MetricLegsWithRank), string(MetricLegsWithVolume), string(MetricActiveCustomers),
				string(MetricEnrolledCount), string(MetricActiveParticipants), string(MetricTeamSize)))}
			if q.Metric == "" {
				if qo.get("metric") == nil {
					ps.errorf(qp+".metric", qn, "missing required field")
				}
			}
			switch q.Metric {
			case MetricCuV, MetricPV, MetricGV:
				q.Min = qo.money("min", true, p.MinorDigits)
			case MetricQualifyingGV:
				q.Min = qo.money("min", true, p.MinorDigits)
				q.LegCap = qo.percent("leg_cap_pct", true)
			case MetricLegsWithVolume:
				q.Min = qo.money("min", true, p.MinorDigits)
				q.Count = qo.integer("count", 1, 1<<20)
			case MetricLegsWithRank:
				q.Count = qo.integer("count", 1, 1<<20)
				q.Rank = qo.str("rank", true)
				k := slices.IndexFunc(p.Ranks, func(x Rank) bool { return x.ID == q.Rank })
				if q.Rank != "" && k < 0 {
					ps.errorf(qp+".rank", qo.get("rank"), "unknown rank %q (a leg requirement may name only a lower rank)", q.Rank)
				}
				q.rank = int8(k + 1)
			case MetricActiveCustomers, MetricEnrolledCount, MetricActiveParticipants, MetricTeamSize:
				q.Count = qo.integer("count", 1, 1<<20)
			}
			qo.done()
			r.Requires = append(r.Requires, q)
		}
		ro.done()
		p.Ranks = append(p.Ranks, r)
	}
}

// rankRef resolves an optional rank id field.
func (ps *parser) rankRef(p *Plan, o *obj, k string) (string, int8) {
	s, n := o.scalar(k, false)
	if n == nil {
		return "", 0
	}
	i := p.RankIndex(s)
	if i == 0 {
		ps.errorf(o.sub(k), n, "unknown rank %q", s)
	}
	return s, int8(i)
}
