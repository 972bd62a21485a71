package http_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

func openAPIDoc(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// apiSchemas validates response bodies against the response schemas of
// the OpenAPI document. The document's component schemas are JSON Schema
// 2020-12 (OpenAPI 3.1); each response schema is compiled with them as
// $defs.
type apiSchemas struct {
	mu    sync.Mutex
	doc   map[string]any
	defs  any
	cache map[string]*jsonschema.Schema
}

func newAPISchemas(t *testing.T) *apiSchemas {
	t.Helper()
	// References point into components; rewrite them to $defs.
	raw := bytes.ReplaceAll(openAPIDoc(t), []byte("#/components/schemas/"), []byte("#/$defs/"))
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if doc["openapi"] != "3.1.0" {
		t.Fatalf("openapi.json: version %v, want 3.1.0", doc["openapi"])
	}
	return &apiSchemas{doc: doc, defs: doc["components"].(map[string]any)["schemas"], cache: map[string]*jsonschema.Schema{}}
}

// check validates body, the answer to method on the route pattern with
// status, against the document; a status the document does not list for
// the route is an error too.
func (a *apiSchemas) check(t *testing.T, method, pattern string, res response) {
	t.Helper()
	if err := a.validate(method, pattern, res); err != nil {
		t.Error(err)
	}
}

// validate is check returning the problem.
func (a *apiSchemas) validate(method, pattern string, res response) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	key := fmt.Sprintf("%s %s %d", method, pattern, res.status)
	sch, ok := a.cache[key]
	if !ok {
		op, _ := a.doc["paths"].(map[string]any)[pattern].(map[string]any)[strings.ToLower(method)].(map[string]any)
		if op == nil {
			return fmt.Errorf("%s %s: not in the OpenAPI document", method, pattern)
		}
		r, _ := op["responses"].(map[string]any)[fmt.Sprint(res.status)].(map[string]any)
		if r == nil {
			return fmt.Errorf("%s: status not documented (body %s)", key, res.body)
		}
		content, _ := r["content"].(map[string]any)
		if len(content) == 0 {
			if len(res.body) != 0 {
				return fmt.Errorf("%s: documented without a body, got %s", key, res.body)
			}
			a.cache[key] = nil
			return nil
		}
		var mt map[string]any
		for ct, v := range content {
			if strings.HasPrefix(res.header.Get("Content-Type"), ct) {
				mt, _ = v.(map[string]any)
			}
		}
		if mt == nil {
			return fmt.Errorf("%s: content type %q not documented", key, res.header.Get("Content-Type"))
		}
		s, _ := mt["schema"].(map[string]any)
		if s == nil {
			a.cache[key] = nil
			return nil
		}
		root := map[string]any{"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": a.defs}
		for k, v := range s {
			root[k] = v
		}
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		url := "mem://" + strings.NewReplacer(" ", "/", "{", "", "}", "").Replace(key) + ".json"
		if err := c.AddResource(url, root); err != nil {
			return fmt.Errorf("%s: %v", key, err)
		}
		var err error
		if sch, err = c.Compile(url); err != nil {
			return fmt.Errorf("%s: compile schema: %v", key, err)
		}
		a.cache[key] = sch
	}
	if sch == nil {
		return nil
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(res.body))
	if err != nil {
		return fmt.Errorf("%s: body is not JSON: %v: %s", key, err, res.body)
	}
	if err := sch.Validate(v); err != nil {
		return fmt.Errorf("%s: body does not match the OpenAPI document: %v\n%s", key, err, res.body)
	}
	return nil
}

// TestOpenAPIServed checks that the document is served as JSON and that
// every schema in it compiles.
func TestOpenAPIServed(t *testing.T) {
	f := newFixture(t)
	res := f.do(t, "", "GET", "/api/v1/openapi.json", "")
	if res.status != 200 || !bytes.Equal(res.body, openAPIDoc(t)) {
		t.Fatalf("GET /api/v1/openapi.json = %d, want 200 and the embedded document", res.status)
	}
	a := newAPISchemas(t)
	for name := range a.defs.(map[string]any) {
		c := jsonschema.NewCompiler()
		root := map[string]any{"$defs": a.defs, "$ref": "#/$defs/" + name}
		if err := c.AddResource("mem://"+name+".json", root); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Compile("mem://" + name + ".json"); err != nil {
			t.Errorf("schema %s: %v", name, err)
		}
	}
	// A wrong body is caught: the checker is not vacuous.
	bad := response{status: 200, header: http.Header{"Content-Type": {"application/json"}}, body: []byte(`{"name":1}`)}
	if a.validate("GET", "/api/v1/programme", bad) == nil {
		t.Error("a programme with a numeric name passed validation")
	}
}
