package http

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

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

// indentJSON returns the compact JSON b as writeJSON writes it (an
// Encoder with two-space indent marshals, indents and adds a newline).
func indentJSON(b []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(b) * 2)
	_ = json.Indent(&out, b, "", "  ") // b is valid: json.Marshal made it
	out.WriteByte('\n')
	return out.Bytes()
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

// queryID reads the named query parameter as a positive id; 0 when it is
// absent.
func queryID(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, downline.Errorf(downline.CodeInvalid, "query parameter %s: must be a positive integer", name)
	}
	return n, nil
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

// decode reads one JSON value of type T from the request body. Unknown
// fields, trailing data and a body over the size limit are errors that name
// what is wrong; the message never echoes the body.
func decode[T any](r *http.Request) (T, error) {
	var v T
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return v, downline.Errorf(downline.CodeInvalid, "request body: content type must be application/json")
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if asMaxBytes(err, &tooBig) {
			return v, errBodyTooLarge{limit: tooBig.Limit}
		}
		return v, downline.Errorf(downline.CodeInvalid, "request body: could not be read")
	}
	return decodeBytes[T](body)
}

// decodeBytes is decode on a body already read; fuzz tests call it.
func decodeBytes[T any](body []byte) (T, error) {
	var v T
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return v, downline.Errorf(downline.CodeInvalid, "request body: %s", jsonProblem(err))
	}
	if dec.More() {
		return v, downline.Errorf(downline.CodeInvalid, "request body: must hold one JSON value")
	}
	return v, nil
}

// jsonProblem describes a decoding error without quoting the input.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("malformed JSON at byte %d", syn.Offset)
	case errors.As(err, &typ):
		if typ.Field != "" {
			return fmt.Sprintf("field %s must be %s", typ.Field, typ.Type)
		}
		return fmt.Sprintf("must be %s", typ.Type)
	case errors.Is(err, io.EOF):
		return "is empty"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "ends early"
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	}
	return "is not valid JSON for this request"
}

// errBodyTooLarge answers 413.
type errBodyTooLarge struct{ limit int64 }

func (e errBodyTooLarge) Error() string {
	return fmt.Sprintf("request body exceeds %d bytes", e.limit)
}

// asMaxBytes reports whether err says the body exceeded its limit.
func asMaxBytes(err error, target **http.MaxBytesError) bool { return errors.As(err, target) }
