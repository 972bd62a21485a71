package http

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"testing"
)

// TestIndentJSON: the body kept for a replay is byte for byte what
// writeJSON sends for the same value.
func TestIndentJSON(t *testing.T) {
	v := map[string]any{"id": 7, "lines": []any{map[string]string{"cv": "80.00", "note": "<b>&"}}, "empty": []int{}}
	rec := httptest.NewRecorder()
	writeJSON(rec, 201, v)
	compact, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if got := indentJSON(compact); !bytes.Equal(got, rec.Body.Bytes()) {
		t.Errorf("indentJSON:\n%s\nwriteJSON:\n%s", got, rec.Body.Bytes())
	}
}
