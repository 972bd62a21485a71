package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/downline/downline"
)

// distributorBatch creates the distributors of one batch with a few bulk
// statements. Records are inserted in waves: a wave grows until a record
// names a sponsor or placement parent of the same wave, which must be
// inserted first to have an id. A batch sorted parents first (breadth
// first) needs one wave per tree level.
type distributorBatch struct {
	tx *Tx

	ids      map[string]downline.DistributorID // external id -> id, stored and new
	refs     map[downline.DistributorID]string
	existing map[string]storedDistributor
	codes    map[string]bool  // referral codes taken
	slots    map[slotKey]bool // placement slots taken
	inBatch  map[string]*downline.Distributor
	digests  map[*downline.Distributor]string
	wave     []*downline.Distributor
	waveExts map[string]bool
	history  [][]any
}

type storedDistributor struct {
	id     downline.DistributorID
	digest string
}

type slotKey struct {
	parent downline.DistributorID
	side   downline.Side
}

func createDistributors(ctx context.Context, tx *Tx, ds []*downline.Distributor, givenCodes []string) error {
	b := &distributorBatch{tx: tx, ids: map[string]downline.DistributorID{}, refs: map[downline.DistributorID]string{},
		existing: map[string]storedDistributor{}, codes: map[string]bool{}, slots: map[slotKey]bool{},
		inBatch: map[string]*downline.Distributor{}, digests: map[*downline.Distributor]string{}, waveExts: map[string]bool{}}
	if err := b.prefetch(ctx, ds, givenCodes); err != nil {
		return fmt.Errorf("create distributors: %w", err)
	}
	type repeat struct{ d, of *downline.Distributor }
	var repeats []repeat
	for i, d := range ds {
		if err := b.resolve(ctx, d, "sponsor", &d.SponsorID, &d.SponsorRef); err != nil {
			return err
		}
		if err := b.resolve(ctx, d, "placement parent", &d.PlacementParentID, &d.PlacementParentRef); err != nil {
			return err
		}
		dig := distributorDigest(d, givenCodes[i])
		if s, ok := b.existing[d.ExternalID]; ok {
			if err := b.reload(ctx, d, s, dig, givenCodes[i]); err != nil {
				return err
			}
			continue
		}
		if prev, ok := b.inBatch[d.ExternalID]; ok {
			if b.digests[prev] != dig && (givenCodes[i] != prev.ReferralCode || distributorDigest(d, "") != b.digests[prev]) {
				return downline.Errorf(downline.CodeConflict, "distributor %q: already exists with other content", d.ExternalID)
			}
			repeats = append(repeats, repeat{d, prev})
			continue
		}
		if err := b.pickReferralCode(ctx, d, givenCodes[i]); err != nil {
			return err
		}
		if d.PlacementSide != downline.SideNone {
			k := slotKey{d.PlacementParentID, d.PlacementSide}
			if b.slots[k] {
				return downline.Errorf(downline.CodeConflict, "distributor %q: placement side %s under %q is taken",
					d.ExternalID, d.PlacementSide, d.PlacementParentRef)
			}
			b.slots[k] = true
		}
		d.JoinedAt = decodeTime(encodeTime(d.JoinedAt))
		d.CreatedAt, d.UpdatedAt = tx.now, tx.now
		b.inBatch[d.ExternalID], b.digests[d] = d, dig
		b.wave = append(b.wave, d)
		b.waveExts[d.ExternalID] = true
	}
	if err := b.flush(ctx); err != nil {
		return err
	}
	err := insertRows(ctx, tx, "distributor_history", []string{"distributor_id", "effective_period", "sponsor_id",
		"placement_parent_id", "placement_side", "status", "changed_at"}, b.history, "", nil)
	if err != nil {
		return fmt.Errorf("create distributors: history: %w", err)
	}
	for _, r := range repeats {
		*r.d = *r.of
	}
	return nil
}

// prefetch loads what the batch refers to: stored records with the
// batch's external ids, relations named by ref or id, taken referral codes
// and taken placement slots.
func (b *distributorBatch) prefetch(ctx context.Context, ds []*downline.Distributor, givenCodes []string) error {
	var exts, codes []string
	var ids []downline.DistributorID
	for i, d := range ds {
		exts = append(exts, d.ExternalID, d.SponsorRef, d.PlacementParentRef)
		code := givenCodes[i]
		if code == "" {
			code = downline.DefaultReferralCode(d.ExternalID)
		}
		codes = append(codes, code)
		for _, id := range []downline.DistributorID{d.SponsorID, d.PlacementParentID} {
			if id != 0 {
				ids = append(ids, id)
			}
		}
	}
	scanRef := func(rs *sql.Rows) error {
		var id downline.DistributorID
		var ext, digest string
		var parent sql.NullInt64
		var side downline.Side
		if err := rs.Scan(&id, &ext, &digest, &parent, &side); err != nil {
			return err
		}
		b.ids[ext], b.refs[id] = id, ext
		b.existing[ext] = storedDistributor{id, digest}
		return nil
	}
	const cols = `SELECT id, external_id, digest, placement_parent_id, placement_side FROM distributors`
	if err := queryIn(ctx, b.tx, cols+` WHERE external_id IN (%s)`, distinct(exts), scanRef); err != nil {
		return err
	}
	if err := queryIn(ctx, b.tx, cols+` WHERE id IN (%s)`, ids, scanRef); err != nil {
		return err
	}
	err := queryIn(ctx, b.tx, `SELECT referral_code FROM distributors WHERE referral_code IN (%s)`, distinct(codes),
		func(rs *sql.Rows) error {
			var c string
			if err := rs.Scan(&c); err != nil {
				return err
			}
			b.codes[c] = true
			return nil
		})
	if err != nil {
		return err
	}
	var parents []downline.DistributorID
	for _, s := range b.existing {
		parents = append(parents, s.id)
	}
	return queryIn(ctx, b.tx, `SELECT placement_parent_id, placement_side FROM distributors
		WHERE placement_side <> '' AND placement_parent_id IN (%s)`, parents, func(rs *sql.Rows) error {
		var k slotKey
		if err := rs.Scan(&k.parent, &k.side); err != nil {
			return err
		}
		b.slots[k] = true
		return nil
	})
}

// resolve fills id from ref or ref from id, flushing the current wave
// first when the relation is a record of it.
func (b *distributorBatch) resolve(ctx context.Context, d *downline.Distributor, what string, id *downline.DistributorID, ref *string) error {
	switch {
	case *id != 0:
		r, ok := b.refs[*id]
		if !ok {
			return downline.Errorf(downline.CodeInvalid, "distributor %q: %s %d does not exist", d.ExternalID, what, *id)
		}
		*ref = r
	case *ref != "":
		if b.waveExts[*ref] {
			if err := b.flush(ctx); err != nil {
				return err
			}
		}
		v, ok := b.ids[*ref]
		if !ok {
			return downline.Errorf(downline.CodeInvalid, "distributor %q: %s %q does not exist", d.ExternalID, what, *ref)
		}
		*id = v
	}
	return nil
}

// reload fills d from the stored record with its external id, or fails
// with CodeConflict when the content differs. A retry with the struct a
// first call completed carries the derived referral code; it matches the
// request without one.
func (b *distributorBatch) reload(ctx context.Context, d *downline.Distributor, s storedDistributor, dig, givenCode string) error {
	stored, _, err := findDistributors(ctx, b.tx, downline.DistributorFilter{ID: &s.id})
	if err != nil || len(stored) != 1 {
		return fmt.Errorf("create distributor %q: reload %d: %v", d.ExternalID, s.id, err)
	}
	if s.digest != dig && (givenCode != stored[0].ReferralCode || distributorDigest(d, "") != s.digest) {
		return downline.Errorf(downline.CodeConflict, "distributor %q: already exists with other content", d.ExternalID)
	}
	*d = *stored[0]
	return nil
}

// pickReferralCode keeps a given code if it is free and derives one from
// the external id otherwise, appending -2, -3, … until it is free.
func (b *distributorBatch) pickReferralCode(ctx context.Context, d *downline.Distributor, givenCode string) error {
	if givenCode != "" {
		if b.codes[givenCode] {
			return downline.Errorf(downline.CodeConflict, "distributor %q: referral code %q is taken", d.ExternalID, givenCode)
		}
		d.ReferralCode, b.codes[givenCode] = givenCode, true
		return nil
	}
	base := downline.DefaultReferralCode(d.ExternalID)
	for i := 1; ; i++ {
		code := base
		if i > 1 {
			code = base + "-" + strconv.Itoa(i)
			// Suffixed codes were not prefetched.
			var n int
			if err := b.tx.queryRow(ctx, `SELECT COUNT(*) FROM distributors WHERE referral_code = ?`, code).Scan(&n); err != nil {
				return fmt.Errorf("create distributor %q: %w", d.ExternalID, err)
			}
			if n > 0 {
				b.codes[code] = true
			}
		}
		if !b.codes[code] {
			d.ReferralCode, b.codes[code] = code, true
			return nil
		}
	}
}

// flush inserts the current wave and records the new ids.
func (b *distributorBatch) flush(ctx context.Context) error {
	if len(b.wave) == 0 {
		return nil
	}
	now := encodeTime(b.tx.now)
	rows := make([][]any, len(b.wave))
	for i, d := range b.wave {
		rows[i] = []any{d.ExternalID, nullID(d.SponsorID), nullID(d.PlacementParentID), d.PlacementSide, d.ReferralCode,
			d.Status, encodeTime(d.JoinedAt), d.Country, d.Email, d.DisplayName, d.AgreementVersion, b.digests[d], now, now}
	}
	err := insertRows(ctx, b.tx, "distributors", []string{"external_id", "sponsor_id", "placement_parent_id",
		"placement_side", "referral_code", "status", "joined_at", "country", "email", "display_name",
		"agreement_version", "digest", "created_at", "updated_at"}, rows, "RETURNING id, external_id",
		func(rs *sql.Rows) error {
			var id downline.DistributorID
			var ext string
			if err := rs.Scan(&id, &ext); err != nil {
				return err
			}
			b.inBatch[ext].ID = id
			b.ids[ext], b.refs[id] = id, ext
			return nil
		})
	if err != nil {
		return fmt.Errorf("create distributors: %w", mapError(err, "a distributor of the batch"))
	}
	for _, d := range b.wave {
		b.history = append(b.history, []any{d.ID, "", nullID(d.SponsorID), nullID(d.PlacementParentID),
			d.PlacementSide, d.Status, now})
	}
	b.wave = b.wave[:0]
	clear(b.waveExts)
	return nil
}

// distributorInserter creates single distributors inside a transaction that
// writes more than the distributor (enrolment).
type distributorInserter struct{ tx *Tx }

func newDistributorInserter(_ context.Context, tx *Tx) (*distributorInserter, error) {
	return &distributorInserter{tx: tx}, nil
}

func (in *distributorInserter) close() {}

// create stores d as CreateDistributor would, in the inserter's
// transaction; givenCode is the referral code the caller gave (empty to
// derive one).
func (in *distributorInserter) create(ctx context.Context, d *downline.Distributor, givenCode string) error {
	return createDistributors(ctx, in.tx, []*downline.Distributor{d}, []string{givenCode})
}
