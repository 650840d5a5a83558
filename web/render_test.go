package web

import "testing"

// TestTemplatesParse fails when a page template refers to an undefined
// function or template, before any server starts.
func TestTemplatesParse(t *testing.T) {
	pages := mustParsePages()
	for _, name := range []string{"home", "error", "items", "guide", "themes", "catalog_list", "catalog_entry",
		"catalog_edit", "login", "register", "account", "staff_home", "orgs", "audit"} {
		if pages[name] == nil {
			t.Errorf("page %s missing", name)
		}
	}
}
