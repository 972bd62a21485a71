package compplan

import (
	"fmt"
	"strings"
)

func (r *Result) stairStep(bi int, b *Bonus) {}
func (r *Result) binary(bi int, b *Bonus)    {}
func (r *Result) matching(bi int, b *Bonus)  {}
func (r *Result) poolBonus(bi int, b *Bonus) {}

func checkImplemented(b *Bonus) error {
	switch b.Kind {
	case KindStairStep, KindBinary, KindMatching, KindPool:
		return fmt.Errorf("bonus %s: kind %s is not implemented yet", b.ID, b.Kind)
	}
	return nil
}

func (r *Result) lineBasis4(b *Bonus, e, s, level, flags int) (int64, Rate) {
	return 0, Rate{0, 1}
}

func (r *Result) explain4(sb *strings.Builder, j int, l Line) {}
