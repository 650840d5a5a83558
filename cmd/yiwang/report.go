package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/kpi"
)

const reportUsage = "用法: yiwang report --month 2026-10 --out FILE.xlsx [--data DIR] [--db URL]"

// cmdReport writes the monthly supervision report (监察统计月报), the same
// workbook as /work/dashboard/report.xlsx, for the whole district.
func cmdReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	var month, out string
	fs := newFlags("report", "report --month 2026-10 --out FILE.xlsx [--data DIR] [--db URL]", stderr, &cfg)
	fs.StringVar(&month, "month", "", "月份，如 2026-10（缺省为上个月）")
	fs.StringVar(&out, "out", "", "输出的 XLSX 文件")
	if ok, err := parse(fs, args); !ok {
		return err
	}
	if out == "" || fs.NArg() > 0 {
		return exitError{2, reportUsage}
	}
	if month != "" { // refuse a bad month before touching the database
		if _, err := kpi.ParseMonth(month, time.Now()); err != nil {
			return exitError{2, yiwang.ErrorMessage(err)}
		}
	}
	a, err := open(ctx, cfg, quietLog(stderr), false, false)
	if err != nil {
		return err
	}
	defer a.Close()
	now := a.clock.Now()
	if month == "" {
		sh := now.In(yiwang.Shanghai)
		month = time.Date(sh.Year(), sh.Month(), 1, 0, 0, 0, 0, yiwang.Shanghai).AddDate(0, -1, 0).Format("2006-01")
	}
	p, err := kpi.ParseMonth(month, now)
	if err != nil {
		return exitError{2, yiwang.ErrorMessage(err)}
	}
	svc := &kpi.Service{Store: a.db, Orgs: a.orgs, Clock: a.clock}
	// The command runs with the database's own rights: it reads as a
	// supervisor would, the whole district.
	actor := yiwang.Actor{AccountID: "system", Name: "命令行", Roles: []yiwang.Role{yiwang.RoleSupervisor}, Channel: "cli"}
	b, err := svc.Report(ctx, actor, p)
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		return exitError{1, "写入文件失败：" + err.Error()}
	}
	fmt.Fprintf(stdout, "已导出 %s 监察统计月报：%s\n", p.Label(), out)
	return nil
}
