package stripe_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// fixtures holds the "resources" of Stripe's fixtures3.json, loaded once.
var fixtures struct {
	once sync.Once
	res  map[string]json.RawMessage
	err  error
	path string
}

// findShared walks up from the package directory looking for
// shared/data/<rel>, which sits next to the repository (../shared/data
// from the repo root).
func findShared(rel string) (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		p := filepath.Join(dir, "shared", "data", rel)
		if _, err := os.Stat(p); err == nil {
			return p, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// fixture returns a fresh, mutable copy of Stripe's example object for a
// resource ("invoice", "charge", …), skipping the test when the shared data
// is absent.
func fixture(t testing.TB, resource string) map[string]any {
	t.Helper()
	fixtures.once.Do(func() {
		p, ok := findShared(filepath.Join("stripe", "fixtures3.json"))
		if !ok {
			return
		}
		fixtures.path = p
		b, err := os.ReadFile(p)
		if err != nil {
			fixtures.err = err
			return
		}
		var doc struct {
			Resources map[string]json.RawMessage `json:"resources"`
		}
		fixtures.err = json.Unmarshal(b, &doc)
		fixtures.res = doc.Resources
	})
	if fixtures.path == "" {
		t.Skip("Stripe fixtures not found: ../shared/data/stripe/fixtures3.json is absent")
	}
	if fixtures.err != nil {
		t.Fatalf("load %s: %v", fixtures.path, fixtures.err)
	}
	raw, ok := fixtures.res[resource]
	if !ok {
		t.Fatalf("fixtures3.json has no resource %q", resource)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// eventBody wraps obj in Stripe's example event envelope with the given id
// and type, as a webhook delivery body.
func eventBody(t testing.TB, id, typ string, obj map[string]any) []byte {
	t.Helper()
	ev := fixture(t, "event")
	ev["id"] = id
	ev["type"] = typ
	ev["data"] = map[string]any{"object": obj}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
