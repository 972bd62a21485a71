package sqlref

import (
	"context"
	"fmt"
	"strings"
)

// Rate is an exact fraction Num/Den, 0 ≤ Num ≤ Den.
type Rate struct{ Num, Den int64 }

// Params are the plan rules the reference implements. Everything else in a
// plan (ranks, caps, gates, other bonuses) is out of its scope.
type Params struct {
	// ReceiptedResale counts receipted resales as customer volume.
	ReceiptedResale bool
	// PersonalUse, when set, makes part of personal-use CV rewardable:
	// RPCV = max(0, min(PCV, Cap, ⌊CuV × Share/(1−Share)⌋)), Cap 0 = none.
	PersonalUse *PersonalUse
	// MinCuV and MinCustomerOrders are the active rule; a distributor must
	// also be in good standing.
	MinCuV            int64
	MinCustomerOrders int
	// Unilevel, when set, is the override to compute.
	Unilevel *Unilevel
}

// PersonalUse is the rewardable personal-consumption cap.
type PersonalUse struct {
	Cap   int64
	Share Rate
}

// Unilevel is a unilevel override without rank-unlocked levels.
type Unilevel struct {
	// Levels holds the rate of level 1, 2, ...
	Levels []Rate
	// Compression skips inactive uplines (dynamic compression); without it
	// an inactive upline's level is not paid.
	Compression bool
	// PayInactiveSellers lets volume of a seller who is not active generate
	// overrides.
	PayInactiveSellers bool
	// BasisCuV and BasisRPCV say which of the seller's volumes are paid on
	// (a negative CuV counts as 0); sellers whose basis is not positive
	// generate nothing.
	BasisCuV, BasisRPCV bool
}

// Volume is one distributor's computed volumes, active flag and unilevel
// earnings.
type Volume struct {
	ID                     int64
	CuV, PCV, RPCV, PV, GV int64
	CustomerOrders         int64
	Active                 bool
	Unilevel               int64
}

// Line is one unilevel override line: Earner earns Amount at Level
// (compressed level CompressedLevel) on Basis, the volume of Seller.
type Line struct {
	Earner, Seller         int64
	Level, CompressedLevel int
	Basis, Amount          int64
}

// Result is the reference's output, distributors by ID and lines by
// (earner, seller).
type Result struct {
	Distributors []Volume
	Lines        []Line
}

// Compute runs the reference on the loaded tables.
func (r *Ref) Compute(ctx context.Context, p Params) (*Result, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	for _, q := range r.volumeStatements(p) {
		if _, err := r.db.ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("sqlref: volumes: %w", err)
		}
	}
	res := &Result{}
	byID := map[int64]int{}
	rows, err := r.db.QueryContext(ctx, groupVolumeQuery)
	if err != nil {
		return nil, fmt.Errorf("sqlref: group volume: %w", err)
	}
	for rows.Next() {
		var v Volume
		var active int
		if err := rows.Scan(&v.ID, &v.CuV, &v.PCV, &v.RPCV, &v.PV, &v.GV, &v.CustomerOrders, &active); err != nil {
			rows.Close()
			return nil, fmt.Errorf("sqlref: group volume: %w", err)
		}
		v.Active = active == 1
		byID[v.ID] = len(res.Distributors)
		res.Distributors = append(res.Distributors, v)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("sqlref: group volume: %w", err)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlref: group volume: %w", err)
	}
	if p.Unilevel == nil {
		return res, nil
	}
	rows, err = r.db.QueryContext(ctx, unilevelQuery(p.Unilevel))
	if err != nil {
		return nil, fmt.Errorf("sqlref: unilevel: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var l Line
		if err := rows.Scan(&l.Earner, &l.Seller, &l.Level, &l.CompressedLevel, &l.Basis, &l.Amount); err != nil {
			return nil, fmt.Errorf("sqlref: unilevel: %w", err)
		}
		res.Lines = append(res.Lines, l)
		res.Distributors[byID[l.Earner]].Unilevel += l.Amount
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlref: unilevel: %w", err)
	}
	return res, nil
}

func (p Params) validate() error {
	if pu := p.PersonalUse; pu != nil && (pu.Share.Den <= 0 || pu.Share.Num < 0 || pu.Share.Num > pu.Share.Den || pu.Cap < 0) {
		return fmt.Errorf("sqlref: personal use: share %d/%d, cap %d", pu.Share.Num, pu.Share.Den, pu.Cap)
	}
	if u := p.Unilevel; u != nil {
		if len(u.Levels) == 0 {
			return fmt.Errorf("sqlref: unilevel has no levels")
		}
		for i, l := range u.Levels {
			if l.Den <= 0 || l.Num < 0 || l.Num > l.Den {
				return fmt.Errorf("sqlref: unilevel level %d: rate %d/%d", i+1, l.Num, l.Den)
			}
		}
	}
	return nil
}

// volumeStatements builds ref_volumes: one row per distributor with CuV,
// PCV, the customer-order count, RPCV, PV and the active flag. Plan values
// are integers that the reference formats itself, so they are inlined.
// Every column is cast to BIGINT so that its type does not depend on the
// plan: PostgreSQL refuses to reuse a prepared query whose result type
// changed.
func (r *Ref) volumeStatements(p Params) []string {
	customer := "'customer_direct'"
	if p.ReceiptedResale {
		customer += ", 'receipted_resale'"
	}
	// RPCV = max(0, min(PCV, cap, ⌊CuV·s/(1−s)⌋)); integer division of
	// non-negative numbers is the floor in both dialects.
	rpcv := "0"
	if pu := p.PersonalUse; pu != nil {
		rpcv = "pcv"
		if pu.Share.Num < pu.Share.Den {
			share := fmt.Sprintf("(CASE WHEN cuv > 0 THEN cuv * %d / %d ELSE 0 END)", pu.Share.Num, pu.Share.Den-pu.Share.Num)
			rpcv = fmt.Sprintf("(CASE WHEN %s < %s THEN %s ELSE %s END)", share, rpcv, share, rpcv)
		}
		if pu.Cap > 0 {
			rpcv = fmt.Sprintf("(CASE WHEN %d < %s THEN %d ELSE %s END)", pu.Cap, rpcv, pu.Cap, rpcv)
		}
		rpcv = fmt.Sprintf("(CASE WHEN %s > 0 THEN %s ELSE 0 END)", rpcv, rpcv)
	}
	create := fmt.Sprintf(`CREATE TABLE ref_volumes AS
WITH agg AS (
	SELECT distributor_id,
		CAST(SUM(CASE WHEN purpose IN (%[1]s) THEN cv ELSE 0 END) AS BIGINT) AS cuv,
		CAST(SUM(CASE WHEN purpose = 'personal_use' THEN cv ELSE 0 END) AS BIGINT) AS pcv,
		CAST(SUM(CASE WHEN purpose IN (%[1]s) THEN 1 - 2 * refund ELSE 0 END) AS BIGINT) AS corders
	FROM ref_orders
	GROUP BY distributor_id
), base AS (
	SELECT d.id, d.sponsor_id, d.good_standing,
		COALESCE(a.cuv, 0) AS cuv, COALESCE(a.pcv, 0) AS pcv, COALESCE(a.corders, 0) AS corders
	FROM ref_distributors d LEFT JOIN agg a ON a.distributor_id = d.id
), capped AS (
	SELECT id, sponsor_id, good_standing, cuv, pcv, corders, %[2]s AS rpcv FROM base
)
SELECT id, sponsor_id, cuv, pcv, corders, CAST(rpcv AS BIGINT) AS rpcv, CAST(cuv + rpcv AS BIGINT) AS pv,
	CAST(CASE WHEN good_standing = 1 AND cuv >= %[3]d AND corders >= %[4]d THEN 1 ELSE 0 END AS BIGINT) AS active
FROM capped`, customer, rpcv, p.MinCuV, p.MinCustomerOrders)
	return []string{
		`DROP TABLE IF EXISTS ref_volumes`,
		create,
		`CREATE UNIQUE INDEX ref_volumes_id ON ref_volumes (id)`,
	}
}

// groupVolumeQuery joins each distributor's volumes with its group volume:
// the closure "up" pairs every distributor with itself and each of its
// ancestors, and GV is the sum of PV over the pairs with a given ancestor.
const groupVolumeQuery = `
WITH RECURSIVE up(descendant, ancestor) AS (
	SELECT id, id FROM ref_volumes
	UNION ALL
	SELECT up.descendant, v.sponsor_id
	FROM up JOIN ref_volumes v ON v.id = up.ancestor
	WHERE v.sponsor_id IS NOT NULL
), gv AS (
	SELECT up.ancestor AS id, CAST(SUM(v.pv) AS BIGINT) AS gv
	FROM up JOIN ref_volumes v ON v.id = up.descendant
	GROUP BY up.ancestor
)
SELECT v.id, v.cuv, v.pcv, v.rpcv, v.pv, gv.gv, v.corders, v.active
FROM ref_volumes v JOIN gv ON gv.id = v.id
ORDER BY v.id`

// unilevelQuery walks up from every seller. A walk row (seller, cur,
// ulevel, below) says that cur is the seller's ulevel-th upline and that
// `below` active uplines lie strictly between them. With compression, cur
// is paid at compressed level below+1 when active, and the walk stops once
// every level is taken; without it, cur is paid at level ulevel when active
// and the walk stops at the last level.
func unilevelQuery(u *Unilevel) string {
	var basis []string
	if u.BasisCuV {
		basis = append(basis, "(CASE WHEN v.cuv > 0 THEN v.cuv ELSE 0 END)")
	}
	if u.BasisRPCV {
		basis = append(basis, "v.rpcv")
	}
	if len(basis) == 0 {
		basis = []string{"0"}
	}
	sellers := ""
	if !u.PayInactiveSellers {
		sellers = " AND v.active = 1"
	}
	n := len(u.Levels)
	cont := fmt.Sprintf("w.below + u.active < %d", n)
	level := "w.below + 1"
	if !u.Compression {
		cont = fmt.Sprintf("w.ulevel < %d", n)
		level = "w.ulevel"
	}
	var rates []string
	for i, l := range u.Levels {
		rates = append(rates, fmt.Sprintf("SELECT %d AS level, %d AS num, %d AS den", i+1, l.Num, l.Den))
	}
	// Round half away from zero: ⌊(2|b|·num + den) / (2·den)⌋ with the
	// sign of b.
	return fmt.Sprintf(`
WITH RECURSIVE walk(seller, basis, cur, ulevel, below) AS (
	SELECT v.id, %[1]s, v.sponsor_id, 1, CAST(0 AS BIGINT)
	FROM ref_volumes v
	WHERE v.sponsor_id IS NOT NULL AND %[1]s > 0%[2]s
	UNION ALL
	SELECT w.seller, w.basis, u.sponsor_id, w.ulevel + 1, w.below + u.active
	FROM walk w JOIN ref_volumes u ON u.id = w.cur
	WHERE u.sponsor_id IS NOT NULL AND %[3]s
), rates AS (
	%[4]s
), paid AS (
	SELECT w.cur AS earner, w.seller, w.ulevel, %[5]s AS level, w.basis
	FROM walk w JOIN ref_volumes u ON u.id = w.cur
	WHERE u.active = 1
)
SELECT p.earner, p.seller, p.ulevel, p.level, p.basis,
	CASE WHEN p.basis >= 0 THEN (2 * p.basis * r.num + r.den) / (2 * r.den)
	ELSE -((2 * (-p.basis) * r.num + r.den) / (2 * r.den)) END AS amount
FROM paid p JOIN rates r ON r.level = p.level
ORDER BY p.earner, p.seller`, strings.Join(basis, " + "), sellers, cont, strings.Join(rates, "\n\tUNION ALL "), level)
}
