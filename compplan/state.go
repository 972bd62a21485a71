package compplan

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
)

// State is what one period carries into the next: title and paid-as ranks
// (with grace), binary carry, and the customers seen in the trailing 12
// months (TX-06). Entries are sorted by ID.
type State struct {
	Period       string // the period this state was carried out of
	Plan         string // plan id
	Distributors []CarriedState
}

// CarriedState is one distributor's carried state.
type CarriedState struct {
	ID        ID
	TitleRank string // highest paid-as rank ever reached
	PaidRank  string // last period's paid-as rank
	GraceUsed int    // periods the paid-as rank has been kept by grace
	// CarryLeft and CarryRight are binary carry in minor units; CarryAge is
	// the number of consecutive periods that carry has gone unmatched.
	CarryLeft, CarryRight int64
	CarryAge              int
	// Customers lists the distinct customers credited in the trailing
	// window with the last period each bought in (YYYY-MM), sorted by ID.
	Customers []CustomerSeen
}

// CustomerSeen is one customer and the last period it bought in.
type CustomerSeen struct {
	ID     string
	Period string
}

type stateJSON struct {
	Period       string        `json:"period"`
	Plan         string        `json:"plan"`
	Distributors []carriedJSON `json:"distributors"`
}

type carriedJSON struct {
	ID         ID                `json:"id"`
	TitleRank  string            `json:"title_rank,omitempty"`
	PaidRank   string            `json:"paid_rank,omitempty"`
	GraceUsed  int               `json:"grace_used,omitempty"`
	CarryLeft  string            `json:"carry_left,omitempty"`
	CarryRight string            `json:"carry_right,omitempty"`
	CarryAge   int               `json:"carry_age,omitempty"`
	Customers  map[string]string `json:"customers,omitempty"`
}

// WriteState writes s as JSON with amounts as major-unit decimal strings.
func WriteState(w io.Writer, s *State, minorDigits int) error {
	out := stateJSON{Period: s.Period, Plan: s.Plan, Distributors: make([]carriedJSON, 0, len(s.Distributors))}
	for _, d := range s.Distributors {
		c := carriedJSON{ID: d.ID, TitleRank: d.TitleRank, PaidRank: d.PaidRank, GraceUsed: d.GraceUsed, CarryAge: d.CarryAge}
		if d.CarryLeft != 0 {
			c.CarryLeft = FormatMoney(d.CarryLeft, minorDigits)
		}
		if d.CarryRight != 0 {
			c.CarryRight = FormatMoney(d.CarryRight, minorDigits)
		}
		if len(d.Customers) > 0 {
			c.Customers = make(map[string]string, len(d.Customers))
			for _, cs := range d.Customers {
				c.Customers[cs.ID] = cs.Period
			}
		}
		out.Distributors = append(out.Distributors, c)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write state: %w", err)
	}
	return nil
}

// ReadState reads a state written by WriteState.
func ReadState(r io.Reader, minorDigits int) (*State, error) {
	var in stateJSON
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return nil, fmt.Errorf("read state: %w", err)
	}
	s := &State{Period: in.Period, Plan: in.Plan}
	for i, c := range in.Distributors {
		d := CarriedState{ID: c.ID, TitleRank: c.TitleRank, PaidRank: c.PaidRank, GraceUsed: c.GraceUsed, CarryAge: c.CarryAge}
		var err error
		if c.CarryLeft != "" {
			if d.CarryLeft, err = ParseMoney(c.CarryLeft, minorDigits); err != nil {
				return nil, fmt.Errorf("read state: distributors[%d].carry_left: %w", i, err)
			}
		}
		if c.CarryRight != "" {
			if d.CarryRight, err = ParseMoney(c.CarryRight, minorDigits); err != nil {
				return nil, fmt.Errorf("read state: distributors[%d].carry_right: %w", i, err)
			}
		}
		for id, p := range c.Customers {
			d.Customers = append(d.Customers, CustomerSeen{ID: id, Period: p})
		}
		slices.SortFunc(d.Customers, func(a, b CustomerSeen) int { return cmpString(a.ID, b.ID) })
		s.Distributors = append(s.Distributors, d)
	}
	slices.SortFunc(s.Distributors, func(a, b CarriedState) int { return cmpInt(int64(a.ID), int64(b.ID)) })
	for i := 1; i < len(s.Distributors); i++ {
		if s.Distributors[i].ID == s.Distributors[i-1].ID {
			return nil, fmt.Errorf("read state: distributor %d appears twice", s.Distributors[i].ID)
		}
	}
	return s, nil
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// StateOut returns the state to carry into the next period: title and
// paid-as ranks with grace, binary carry, and the customers seen in the
// trailing 12 months. Distributors with nothing to carry are left out.
func (r *Result) StateOut() *State {
	t := r.tree
	s := &State{Period: r.period.Name, Plan: r.plan.ID}
	for i := range t.n {
		c := CarriedState{ID: t.ids[i], TitleRank: r.plan.RankID(int(r.title[i])), PaidRank: r.plan.RankID(int(r.paid[i])), GraceUsed: int(r.graceUsed[i])}
		if r.carryL != nil {
			c.CarryLeft, c.CarryRight, c.CarryAge = r.carryL[i], r.carryR[i], int(r.carryAge[i])
		}
		if r.custSeen != nil {
			c.Customers = r.custSeen[int32(i)]
		}
		if c.TitleRank != "" || c.PaidRank != "" || c.CarryLeft != 0 || c.CarryRight != 0 || c.CarryAge != 0 || len(c.Customers) > 0 {
			s.Distributors = append(s.Distributors, c)
		}
	}
	slices.SortFunc(s.Distributors, func(a, b CarriedState) int { return cmpInt(int64(a.ID), int64(b.ID)) })
	return s
}
