package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/catalog/sheet"
	"github.com/yushan-gov/yiwang/org"
)

const catalogUsage = `用法:
  yiwang catalog export FILE.xlsx [--status published|draft|submitted]   导出事项（默认已发布版本）
  yiwang catalog import FILE.xlsx                                        导入为草稿（全部正确才写入）
两者都接受 --data 和 --db。`

func cmdCatalog(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) < 1 || (args[0] != "export" && args[0] != "import") {
		fmt.Fprintln(stderr, catalogUsage)
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			return nil
		}
		return exitError{2, ""}
	}
	sub := args[0]
	var cfg config
	fs := newFlags("catalog "+sub, "catalog "+sub+" FILE.xlsx", stderr, &cfg)
	status := fs.String("status", catalog.StatusPublished, "导出哪种状态的版本")
	if ok, err := parse(fs, args[1:]); !ok {
		return err
	}
	if fs.NArg() < 1 {
		return exitError{2, catalogUsage}
	}
	file := fs.Arg(0)
	if ok, err := parse(fs, fs.Args()[1:]); !ok {
		return err
	}
	a, err := open(ctx, cfg, quietLog(stderr), true, false)
	if err != nil {
		return err
	}
	defer a.Close()
	all, err := a.orgs.Tree(ctx)
	if err != nil {
		return err
	}
	byID, byCode := map[string]org.Org{}, map[string]org.Org{}
	root := ""
	for _, o := range all {
		byID[o.ID] = o
		if o.CreditCode != "" {
			byCode[o.CreditCode] = o
		}
		if o.ParentID == "" && root == "" {
			root = o.ID
		}
	}
	if sub == "export" {
		entries, err := a.db.ListEntries(ctx, catalog.Filter{Statuses: []string{*status}})
		if err != nil {
			return err
		}
		f, err := os.Create(file)
		if err != nil {
			return err
		}
		if err := sheet.Export(f, entries, byID); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已导出 %d 个事项到 %s\n", len(entries), file)
		return nil
	}
	f, err := os.Open(file)
	if err != nil {
		return exitError{1, "无法打开文件：" + err.Error()}
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > sheet.MaxFileSize {
		return exitError{1, fmt.Sprintf("文件过大（%d MB），一次最多导入 %d MB", st.Size()>>20, sheet.MaxFileSize>>20)}
	}
	fmt.Fprintln(stdout, "正在读取工作簿…")
	wb, problems := sheet.Parse(f, byCode)
	// The command line acts as a maintainer at the top of the tree.
	actor := cliActor()
	actor.Roles, actor.OrgID = []yiwang.Role{yiwang.RoleCatalogMaintainer}, root
	n := 0
	if wb != nil {
		fmt.Fprintf(stdout, "正在检查 %d 个事项…\n", len(wb.Items))
		progress := func(done, total int) { fmt.Fprintf(stdout, "已检查 %d / %d\n", done, total) }
		var ps []catalog.ImportProblem
		n, ps, err = a.catalog.ImportDrafts(ctx, actor, wb.Items, len(problems) > 0, progress)
		if err != nil {
			return err
		}
		for _, p := range ps {
			problems = append(problems, wb.Locate(p))
		}
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(stderr, p.String())
		}
		return exitError{1, fmt.Sprintf("发现 %d 处问题，未导入任何内容。", len(problems))}
	}
	fmt.Fprintf(stdout, "已导入 %d 个实施清单草稿，请提交部门负责人审核发布。\n", n)
	return nil
}
