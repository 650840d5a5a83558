package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/casework"
)

// loadBundles stores the demo 一件事 bundles. code finds the implementation
// code of an item at an org; amr is 市场监管局.
func loadBundles(ctx context.Context, st CaseStore, code func(org, name string) string, amr string) error {
	bundles := []casework.Bundle{{
		Code: "open-restaurant", Name: "开办餐饮店",
		Summary: "个体工商户设立登记和食品经营许可一次申请：填一张表、交一套材料，两个事项并联办理。",
		Members: []string{code(amr, "个体工商户设立登记"), code(amr, "食品经营许可")},
	}}
	now := time.Now()
	for i, b := range bundles {
		for _, m := range b.Members {
			if m == "" {
				return fmt.Errorf("demo bundle %s: an item is not published", b.Name)
			}
		}
		e := audit.New(yiwang.System("demo"), now, "bundle.save", "bundle:"+b.Code, audit.ResultOK, b.Name)
		if err := st.SaveBundle(ctx, b, i, now, e); err != nil {
			return err
		}
	}
	return nil
}
