package sqlstore

import (
	"strconv"
	"strings"
	"testing"
)

func TestOwnerBranches(t *testing.T) {
	for _, c := range []struct{ owners, groups, widest int }{{0, 0, 0}, {1, 1, 1}, {3, 3, 1}, {250, 250, 1}, {251, 126, 2}, {600, 200, 3}} {
		owners := make([]string, c.owners)
		var args []any
		args = append(args, "before")
		groups := ownerBranches(&args, owners)
		widest := 0
		for _, g := range groups {
			widest = max(widest, len(strings.Split(g, ",")))
		}
		if len(groups) != c.groups || widest != c.widest || len(args) != 1+c.owners {
			t.Fatalf("%d owners: %d groups, %d at most, %d args; want %d, %d", c.owners, len(groups), widest, len(args), c.groups, c.widest)
		}
		if c.owners > 0 && (!strings.HasPrefix(groups[0], "$2") || !strings.HasSuffix(allOf(groups), "$"+strconv.Itoa(1+c.owners))) {
			t.Fatalf("%d owners: placeholders %s … %s", c.owners, groups[0], groups[len(groups)-1])
		}
	}
}
