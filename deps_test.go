package downline_test

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/downline/downline"

// pure lists the packages at the centre and what each may import besides
// the standard library. They hold the business rules and must not know
// about storage, transport or the process.
var pure = map[string][]string{
	"":            nil,
	"compplan":    {"go.yaml.in/yaml/v3"},
	"ledger":      {""},
	"gen":         {"", "compplan"},
	"attribution": {""},
	"compliance":  {"", "compplan", "ledger"},
	"simulate":    {"", "compplan", "ledger", "compliance"},
}

// allowedInternal lists the only imports allowed between internal packages:
// a test helper may import the adapter it helps test.
var allowedInternal = map[string][]string{
	"internal/sqlstore/sqlstoretest": {"internal/sqlstore"},
}

type listedPackage struct {
	ImportPath string
	Imports    []string
}

// TestDependencyRule enforces the dependency rule of ARCHITECTURE.md: the
// domain and the pure engines import only the standard library (and each
// other, inward); adapters under internal/ never import each other; only
// cmd/downline imports everything; nothing imports cmd.
func TestDependencyRule(t *testing.T) {
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p listedPackage
		if err := dec.Decode(&p); err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 2 {
		t.Fatalf("go list found %d packages; want the whole module", len(pkgs))
	}
	for _, v := range violations(pkgs, stdlib(t)) {
		t.Error(v)
	}
}

// TestViolations checks the checker on made-up packages, so that a rule
// that silently stopped matching would be noticed.
func TestViolations(t *testing.T) {
	std := map[string]bool{"fmt": true, "database/sql": true}
	pkgs := []listedPackage{
		{module, []string{"fmt"}},
		{module + "/compplan", []string{"fmt", "go.yaml.in/yaml/v3"}},
		{module + "/ledger", []string{"database/sql", module}},
		{module + "/internal/sqlstore", []string{module, module + "/ledger", "modernc.org/sqlite"}},
		{module + "/internal/sqlstore/sqlstoretest", []string{module + "/internal/sqlstore"}},
		{module + "/cmd/downline", []string{module + "/internal/sqlstore", module + "/internal/http"}},
		// Violations:
		{module + "/compliance", []string{module + "/internal/sqlstore"}},
		{module + "/internal/http", []string{module + "/internal/sqlstore"}},
		{module + "/ledger", []string{"github.com/jackc/pgx/v5"}},
		{module + "/internal/stripe", []string{module + "/cmd/downline"}},
	}
	got := violations(pkgs, std)
	if len(got) != 4 {
		t.Errorf("violations() = %d findings, want 4:\n%s", len(got), strings.Join(got, "\n"))
	}
}

// violations returns one message per import that breaks the rule.
func violations(pkgs []listedPackage, std map[string]bool) []string {
	var out []string
	for _, p := range pkgs {
		rel := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		allow, isPure := pure[rel]
		for _, imp := range p.Imports {
			if std[imp] {
				continue
			}
			irel, own := strings.CutPrefix(imp, module)
			irel = strings.TrimPrefix(irel, "/")
			switch {
			case own && strings.HasPrefix(irel, "cmd/"):
				out = append(out, fmt.Sprintf("%s imports %s: nothing may import a command", p.ImportPath, imp))
			case isPure && !((own && contains(allow, irel)) || (!own && contains(allow, imp))):
				out = append(out, fmt.Sprintf("%s imports %s: pure package %q may import only the standard library and %q", p.ImportPath, imp, rel, allow))
			case strings.HasPrefix(rel, "internal/") && own && strings.HasPrefix(irel, "internal/") && !contains(allowedInternal[rel], irel):
				out = append(out, fmt.Sprintf("%s imports %s: adapters must not import each other; wire them in cmd/downline", p.ImportPath, imp))
			}
		}
	}
	return out
}

func stdlib(t *testing.T) map[string]bool {
	t.Helper()
	out, err := exec.Command("go", "list", "std").Output()
	if err != nil {
		t.Fatalf("go list std: %v", err)
	}
	m := map[string]bool{}
	for _, p := range strings.Fields(string(out)) {
		m[p] = true
	}
	return m
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
