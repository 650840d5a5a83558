package web

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/yushan-gov/yiwang/catalog"
)

// TestOpenAPIMatchesRoutes keeps openapi.json (the golden description of the
// API) and the real route table equal: a route added without documentation,
// or documentation of a route that does not exist, fails.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi version %q, want 3.1.0", doc.OpenAPI)
	}
	var documented []string
	for path, ops := range doc.Paths {
		for method := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	real := []string{"GET /api/v1/openapi.json"}
	for _, rt := range apiRouteTable {
		real = append(real, rt.pattern)
	}
	sort.Strings(documented)
	sort.Strings(real)
	if strings.Join(documented, "\n") != strings.Join(real, "\n") {
		t.Fatalf("openapi.json and the routes differ.\ndocumented:\n%s\n\nrouted:\n%s",
			strings.Join(documented, "\n"), strings.Join(real, "\n"))
	}
}

// TestOpenAPICatalogFilters keeps the catalog search's documented filter
// values equal to the code tables the API checks them against.
func TestOpenAPICatalogFilters(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name   string
				Schema struct {
					Type    string
					Enum    []string
					Minimum *int
					Maximum *int
				}
			}
		}
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	values := func(cs []catalog.Code) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Value)
		}
		return out
	}
	want := map[string][]string{"level": values(catalog.Levels), "type": values(catalog.ItemTypes),
		"depth": values(catalog.Depths), "object": {"person", "legal"}}
	seen := 0
	for _, path := range []string{"/api/v1/items", "/api/v1/catalog/stats"} {
		for _, p := range doc.Paths[path]["get"].Parameters {
			if w, ok := want[p.Name]; ok {
				seen++
				if strings.Join(p.Schema.Enum, ",") != strings.Join(w, ",") {
					t.Errorf("%s %s: documented %v, checked against %v", path, p.Name, p.Schema.Enum, w)
				}
			}
			if p.Name == "size" && (p.Schema.Type != "integer" || p.Schema.Minimum == nil || *p.Schema.Minimum != 1 ||
				p.Schema.Maximum == nil || *p.Schema.Maximum != 100) {
				t.Errorf("%s size: %+v", path, p.Schema)
			}
		}
	}
	if seen != 5 { // four on the search, level on the statistics
		t.Fatalf("%d documented filters with code tables, want 5", seen)
	}
}
