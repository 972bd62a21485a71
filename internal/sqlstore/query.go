package sqlstore

import (
	"context"
	"strconv"
	"strings"

	"github.com/downline/downline"
)

// where collects the conditions of a filter; each is ANDed.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// page returns the LIMIT/OFFSET clause; limit 0 means no limit.
func page(limit, offset int) string {
	if limit <= 0 && offset <= 0 {
		return ""
	}
	if limit <= 0 {
		limit = 1<<62 - 1
	}
	s := " LIMIT " + strconv.Itoa(limit)
	if offset > 0 {
		s += " OFFSET " + strconv.Itoa(offset)
	}
	return s
}

// countIfPastEnd returns the number of rows in table matching w. Queries
// take their total from COUNT(*) OVER (), which yields no row when Offset
// is past the end; then this count is the total.
func countIfPastEnd(ctx context.Context, tx *Tx, table string, w *where, n, total, offset int) (int, error) {
	if n > 0 || offset <= 0 {
		return total, nil
	}
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM `+table+w.String(), w.args...).Scan(&total)
	return total, err
}

// batchError combines the per-record validation errors of a batch into one
// CodeInvalid error that names the first few records.
func batchError(kind string, total int, errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	if len(errs) == 1 {
		return errs[0]
	}
	const show = 10
	msgs := make([]string, 0, show)
	for i, err := range errs {
		if i == show {
			break
		}
		msgs = append(msgs, downline.ErrorMessage(err))
	}
	more := ""
	if len(errs) > show {
		more = "; and " + strconv.Itoa(len(errs)-show) + " more"
	}
	return downline.Errorf(downline.CodeInvalid, "%d of %d %s are invalid, nothing was stored: %s%s",
		len(errs), total, kind, strings.Join(msgs, "; "), more)
}
