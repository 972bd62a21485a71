package http

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/downline/downline"
)

// writeJSON writes v as JSON with the given status. The content type is
// kept when the caller set one (problem documents).
func writeJSON(w http.ResponseWriter, status int, v any) {
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v) // the client went away; nothing useful to do
}

// page is the envelope of every list response: the items, the total
// number of matches and the cursor for the next page ("" on the last).
type page[T any] struct {
	Items      []T    `json:"items"`
	Total      int    `json:"total"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// pageParams reads the cursor and limit query parameters. The cursor is
// the ID after which the page starts; limit defaults to 50, at most 500.
func pageParams(r *http.Request) (after int64, limit int, err error) {
	q := r.URL.Query()
	limit = 50
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 500 {
			return 0, 0, downline.Errorf(downline.CodeInvalid, "query parameter limit: must be an integer from 1 to 500")
		}
		limit = n
	}
	if s := q.Get("cursor"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return 0, 0, downline.Errorf(downline.CodeInvalid, "query parameter cursor: not a cursor from a previous page")
		}
		after = n
	}
	return after, limit, nil
}

// pathID reads the {id} path value as a positive integer.
func pathID(r *http.Request, what string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || n <= 0 {
		return 0, downline.Errorf(downline.CodeInvalid, "%s id %q: must be a positive integer", what, r.PathValue("id"))
	}
	return n, nil
}

// formatMoney renders minor units as a decimal string in major units.
func formatMoney(amount int64, currency string) string {
	return downline.NewMoney(amount, currency).FormatMajor()
}
