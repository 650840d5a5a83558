package catalog_test

import (
	"testing"

	"github.com/yushan-gov/yiwang/catalog"
)

// TestEntryCache: published versions are served from the service's cache
// as copies (changing what one got changes nothing for the next caller),
// and retiring one is seen at once.
func TestEntryCache(t *testing.T) {
	e := newEnv(t, "sqlite")
	if _, err := e.svc.SaveBase(e.ctx, e.root, foodBase()); err != nil {
		t.Fatal(err)
	}
	v1 := e.publish(t, foodEntry(e.amr.ID))
	for range 2 { // the second round is served from the cache
		got, err := e.svc.Published(e.ctx, v1.Code)
		if err != nil || got.ID != v1.ID || got.Guide.Materials[0].Name != "食品经营许可申请书" || got.Depth[0] != 1 {
			t.Fatalf("published: %+v %v", got, err)
		}
		got.Guide.Materials[0].Name, got.Depth[0], got.Base.Aliases[0] = "改了", 9, "改了"
		byID, err := e.svc.Get(e.ctx, v1.ID)
		if err != nil || byID.Guide.Materials[0].Name != "食品经营许可申请书" || byID.Depth[0] != 1 || byID.Base.Aliases[0] != "开饭店" {
			t.Fatalf("a caller's change reached the cache: %+v %v", byID, err)
		}
		byID.Guide.Materials[0].Name = "也改了"
	}
	if _, err := e.svc.Retire(e.ctx, e.head, v1.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := e.svc.Get(e.ctx, v1.ID); err != nil || got.Status != catalog.StatusRetired {
		t.Fatalf("after retiring: %q %v", got.Status, err)
	}
	if _, err := e.svc.Published(e.ctx, v1.Code); err == nil {
		t.Fatal("a retired version is still served as published")
	}
}
