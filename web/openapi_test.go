package web

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"
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
