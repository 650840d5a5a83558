package demo_test

import (
	"testing"

	"github.com/yushan-gov/yiwang/demo"
)

// TestItemsCoverage: the demo catalog is what the issue asks for — at least
// 80 real items, all three levels, at least 10 item types, each with its
// guide (the loader's rule checks run in TestLoad).
func TestItemsCoverage(t *testing.T) {
	items := demo.AllItems()
	types, levels, codes := map[string]bool{}, map[int]int{}, map[string]bool{}
	for _, it := range items {
		types[it.Type] = true
		levels[it.Level]++
		if codes[it.BaseCode] {
			t.Errorf("base code %s twice", it.BaseCode)
		}
		codes[it.BaseCode] = true
		if len(it.Basis) == 0 || len(it.Materials) == 0 || len(it.Conditions) == 0 || len(it.Steps) == 0 || it.Source == "" {
			t.Errorf("%s: incomplete guide", it.Name)
		}
	}
	if len(items) < 80 || len(types) < 10 || levels[4] == 0 || levels[5] == 0 || levels[6] == 0 {
		t.Fatalf("%d items, %d types, levels %v", len(items), len(types), levels)
	}
}
