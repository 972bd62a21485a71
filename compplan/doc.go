// Package compplan is the commission engine: compensation plans as data
// and a pure, deterministic evaluation of one period that explains every
// cent. It imports only the standard library and the YAML parser.
//
// # Contract (stable; extended, never renamed)
//
// Plans:
//
//	p, err := compplan.LoadPlan("plan.yaml")   // or ParsePlan(io.Reader)
//
// Errors are *PlanError values (joined) naming file:line:column, the YAML
// path ("bonuses[1].levels[0].rate_pct") and what is wrong. A Plan is
// plain typed data: Volume (RPCV caps, TX-03), Active, Ranks with
// Requirements (Metric cuv|pv|gv|qualifying_gv|legs_with_rank|
// legs_with_volume|active_customers), RankGracePeriods, Gates (PayoutCap
// TX-08, MinActiveCustomers TX-06, CustomerShareMin TX-04, SellThroughMin
// TX-05, EndUserMin and CustomerCVMin TX-07, CNOwnSalesCap TX-12), Compliance
// (fees, kit, buyback, cooling-off; read by the linter only), SKUs, and
// Bonuses, a tagged union on Kind (direct|unilevel|stairstep|binary|
// matching|faststart|pool) with Trigger, Basis ([]Basis of cuv|rpcv|bv),
// Rate, Cap, MinRank and per-kind fields (Levels, Compression, Steps,
// Generations, Cycle, Matches, Days, Shares...). Rates are exact fractions
// (Rate{Num, Den}); money is int64 minor units. Plan.Src maps YAML paths to
// lines for tools that report against the file.
//
// Input, one call:
//
//	res, err := compplan.Evaluate(p, &compplan.Snapshot{Period: per,
//		Distributors: ds, Orders: os, Volumes: vs, State: st})
//
// or streaming, so that 100M orders never need to be held:
//
//	t, err := compplan.NewTree(ds)              // validate, index, order
//	agg := compplan.NewAggregator(p, t, per)
//	for o := range orders { err = agg.Add(o) }  // or AddRow(...), AddVolume(v)
//	res, err := compplan.EvaluateVolumes(agg, st)
//
// Distributor{ID, Sponsor, Placement, Side, JoinedAt, Status,
// Jurisdiction}; Order{ID,
// Distributor, Customer, Purpose, PaidAt, CV, QV, BV, Amount, RefundOf} in
// minor units (a refund has negative values); Volume is the pre-aggregated
// per-distributor form, optionally with SellThrough (TX-05 units);
// Snapshot.Company (or Aggregator.SetCompany) the TX-07 trailing-12-month
// company totals; Period from ParsePeriod("2026-10", loc). Bad input
// is a *RecordError naming the record index and field (CSV readers turn it
// into file:line:column).
//
// Output: Result, indexed by the tree's canonical order (ascending ID when
// every sponsor's ID is below its recruits', else breadth-first, roots and
// siblings by ascending ID):
// res.Len(), res.Distributor(i) (CuV, RPCV, PV, GV, active, paid-as and
// title rank, binary figures, earnings per bonus, total), res.Legs(i),
// res.NumLines(), res.Line(j) (earner, bonus, source, level, compressed
// level, basis, rate, scale, amount, withheld gate), res.Explain(j) (one
// sentence, rendered on demand), res.Totals(), res.Total(), res.TotalCV(),
// res.Scale(), res.StateOut(), res.Hash() / res.HashHex() (canonical
// SHA-256, see Hash for the encoding), res.WriteJSON(w).
//
// CSV readers for `downline calc`: ReadDistributorsCSV, ReadOrdersCSV (see
// csv.go); state files: ReadState, WriteState.
//
// # Semantics
//
// Domain terms follow docs/domain.md. Amounts: each line is computed
// exactly (basis × rate × scale) and rounded once, half away from zero.
// Orders outside the period are ignored; refunds net into the period's
// volumes (a negative basis pays nothing: clawbacks of closed periods are
// the ledger's business). A distributor is active when its status is
// active and the plan's Active rule holds on its own customer volume;
// direct commission needs only an active status, every other bonus an
// active earner. Per-distributor caps add a negative adjustment line
// after each bonus, before the payout cap. The payout cap (TX-08) scales
// every bonus but direct commission by a nine-place decimal S, rounded
// down and lowered further if rounding would break the cap (direct alone
// may still exceed it). Gates TX-04, TX-05, TX-06 and TX-12 withhold
// multi-level pay (every bonus but direct): the line is kept with amount
// zero and names the gate; TX-03 is named where it cut a line's basis.
// TX-07 tests the company's end-user share (CuV+RPCV)/revenue and customer
// share of CV over the caller's trailing-12-month totals (this period's
// when none are given); when one fails, every multi-level line is scaled
// by f = min(EU/min, CSH/min, 1) rounded down to nine places, and the
// payout cap then binds only if its own factor is smaller: one factor,
// min(f, cap factor), named on each scaled line (Result.ScaledBy,
// Result.Company). TX-12: a CN-resident earner gets no multi-level pay,
// and its direct pay above CNOwnSalesCap × own CuV is taken back by an
// adjustment line naming TX-12. Options omitted in the YAML leave a gate
// off, as for TX-04/06/08.
//
// Bonus kinds: unilevel levels are taken on the sponsor tree, with
// dynamic compression skipping inactive uplines (or breakage without
// it), rank-unlocked levels forfeited or passed up. Stair-step pays its
// step's rate on own volume and the difference over each non-breakaway
// leg's step group volume; a top-step leg head breaks away and its group
// pays generation royalties to the nearest top-step uplines. Binary volume
// comes from customer orders (BV, default CV) and rolls up the placement
// tree; matched volume is consumed even when a gate withholds the pay;
// carry is capped, flushed when inactive (option) and expires after
// CarryExpiry unmatched periods. Matching pays on the source's earnings of
// the named bonuses after their caps and before payout scaling. Fast
// start pays the sponsor on customer volume in the first Days days after
// joining. A pool is Rate × company-wide basis volume, rounded, then each
// share rounded (so lines may differ from the pool by rounding).
//
// # Performance
//
// IDs map to dense int32 indices once; all per-distributor data is
// columnar; roll-ups are one reverse pass in which each distributor adds
// to its sponsor (sponsors come first in the canonical order);
// dynamic compression follows an active-ancestor array, and the unilevel
// walks of eight sources advance in lockstep so that their cache misses
// overlap (lines wait per source, emitted in source order); lines are 20-byte
// columnar records in fixed chunks, their basis, rate and explanation
// derived on demand.
package compplan
