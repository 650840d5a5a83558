package review

import (
	"slices"
	"testing"
)

func TestByRank(t *testing.T) {
	fs := []Figures{
		{Key: "none", Reviews: 0},
		{Key: "half", Reviews: 4, Good: 2},
		{Key: "all-few", Reviews: 1, Good: 1},
		{Key: "all-many", Reviews: 9, Good: 9},
		{Key: "most", Reviews: 10, Good: 9},
	}
	slices.SortStableFunc(fs, byRank)
	var got []string
	for _, f := range fs {
		got = append(got, f.Key)
	}
	if want := []string{"all-many", "all-few", "most", "half", "none"}; !slices.Equal(got, want) {
		t.Fatalf("ranking %v, want %v", got, want)
	}
}
