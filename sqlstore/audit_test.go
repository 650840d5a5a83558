package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

func TestAuditChain(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db := yiwangtest.NewDB(t, engine)
			at := time.Date(2026, 11, 25, 8, 0, 0, 123456789, time.UTC)
			actor := yiwang.Actor{AccountID: "a1", Name: "张三", IP: "127.0.0.1"}
			for i := range 5 {
				e := audit.New(actor, at.Add(time.Duration(i)*time.Second), "login.citizen", "account:a1", audit.ResultOK, "")
				if err := db.AppendAudit(ctx, e); err != nil {
					t.Fatal(err)
				}
			}
			r, err := audit.Verify(ctx, db)
			if err != nil || !r.OK() || r.Entries != 5 {
				t.Fatalf("verify = %+v, %v", r, err)
			}
			list, total, err := db.ListAudit(ctx, audit.Filter{Action: "login", Limit: 2})
			if err != nil || total != 5 || len(list) != 2 || list[0].Seq != 5 {
				t.Fatalf("list = %d %d %v", total, len(list), err)
			}
			if !list[0].At.Equal(at.Add(4 * time.Second).Truncate(time.Microsecond)) {
				t.Fatalf("time round trip: %v", list[0].At)
			}

			// Tampering with any record is found and named.
			if _, err := db.SQL().Exec(`UPDATE audit_log SET detail = 'x' WHERE seq = 3`); err != nil {
				t.Fatal(err)
			}
			r, _ = audit.Verify(ctx, db)
			if r.OK() || r.BrokenAt != 3 {
				t.Fatalf("tampered record not found: %+v", r)
			}
			if _, err := db.SQL().Exec(`DELETE FROM audit_log WHERE seq = 3`); err != nil {
				t.Fatal(err)
			}
			r, _ = audit.Verify(ctx, db)
			if r.OK() || r.BrokenAt != 3 {
				t.Fatalf("deleted record not found: %+v", r)
			}
		})
	}
}

func TestAuditTailCut(t *testing.T) {
	ctx := context.Background()
	db := yiwangtest.NewDB(t, "sqlite")
	for range 3 {
		if err := db.AppendAudit(ctx, audit.New(yiwang.System("cli"), time.Now(), "x", "y", audit.ResultOK, "")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.SQL().Exec(`DELETE FROM audit_log WHERE seq = 3`); err != nil {
		t.Fatal(err)
	}
	r, _ := audit.Verify(ctx, db)
	if r.OK() || r.BrokenAt != 3 {
		t.Fatalf("cut tail not found: %+v", r)
	}
}
