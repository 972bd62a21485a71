package compplan_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/downline/downline/compplan"
)

func TestExamplePlansParse(t *testing.T) {
	files, _ := filepath.Glob("../examples/plans/*.yaml")
	if len(files) == 0 {
		t.Fatal("no example plans")
	}
	for _, f := range files {
		if _, err := compplan.LoadPlan(f); err != nil {
			t.Errorf("LoadPlan(%s): %v", f, err)
		}
	}
	_ = os.Stdout
}
