package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/identity"
)

func quietLog(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlags("migrate", "migrate [--data DIR] [--db URL]", stderr, &cfg)
	if ok, err := parse(fs, args); !ok {
		return err
	}
	a, err := open(ctx, cfg, quietLog(stderr), true, true)
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintln(stdout, "数据库结构已是最新（"+a.db.Engine+"）")
	return nil
}

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlags("demo", "demo [--orgs-only] [--data DIR] [--db URL]", stderr, &cfg)
	orgsOnly := fs.Bool("orgs-only", false, "只载入雨山区组织机构（不含演示账号），用于生产环境初始化")
	if ok, err := parse(fs, args); !ok {
		return err
	}
	a, err := open(ctx, cfg, quietLog(stderr), true, true)
	if err != nil {
		return err
	}
	defer a.Close()
	orgs, err := a.orgs.Tree(ctx)
	if err != nil {
		return err
	}
	if len(orgs) > 0 {
		return exitError{1, "数据库中已有数据，演示数据只能载入空数据库"}
	}
	if *orgsOnly {
		orgs, err := demo.LoadOrgs(ctx, a.db, a.clock)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已载入雨山区组织机构：%d 个单位。下一步: yiwang user create --username admin --name 姓名 --org 雨山区人民政府办公室 --role sys_admin\n", len(orgs))
		return nil
	}
	res, err := demo.Load(ctx, a.db, a.clock)
	if err != nil {
		return err
	}
	n, err := demo.LoadCases(ctx, a.db, a.cases, a.files)
	if err != nil {
		return err
	}
	if _, err := demo.LoadReviews(ctx, a.db, a.reviews); err != nil {
		return err
	}
	if _, err := demo.LoadSupervision(ctx, a.db, a.cases, a.files, newSupervision(a)); err != nil {
		return err
	}
	if _, err := demo.LoadInspect(ctx, a.db, a.inspect); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已载入演示数据：%d 个单位，%d 个工作人员账号（密码 %s），%d 件演示办件\n", res.Orgs, len(res.StaffSecret), demo.StaffPassword, n)
	return nil
}

func cmdAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprintln(stderr, "用法: yiwang audit verify [--data DIR] [--db URL]")
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			return nil
		}
		return exitError{2, ""}
	}
	var cfg config
	fs := newFlags("audit verify", "audit verify [--data DIR] [--db URL]", stderr, &cfg)
	if ok, err := parse(fs, args[1:]); !ok {
		return err
	}
	a, err := open(ctx, cfg, quietLog(stderr), false, false)
	if err != nil {
		return err
	}
	defer a.Close()
	r, err := audit.Verify(ctx, a.db)
	if err != nil {
		return err
	}
	if !r.OK() {
		return exitError{1, r.String()}
	}
	fmt.Fprintln(stdout, r.String())
	return nil
}

const userUsage = `用法:
  yiwang user create --username NAME --name 姓名 --org 单位名称或ID [--role 角色,角色] [--mobile 手机号]
  yiwang user reset USERNAME        重置密码并解除锁定，打印新密码
  yiwang user reset-totp USERNAME   重置动态口令，下次登录重新绑定
  yiwang user disable USERNAME      停用账号
  yiwang user enable USERNAME       启用账号
  yiwang user list                  列出工作人员账号
角色: window_clerk agent_clerk case_officer dept_head catalog_maintainer supervisor sys_admin sec_admin audit_admin
所有子命令都接受 --data 和 --db。`

func cmdUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "--help" || args[0] == "-h" {
		fmt.Fprintln(stderr, userUsage)
		if len(args) == 0 {
			return exitError{2, ""}
		}
		return nil
	}
	sub, rest := args[0], args[1:]
	var cfg config
	fs := newFlags("user "+sub, "user "+sub+" …", stderr, &cfg)
	fs.Usage = func() { fmt.Fprintln(stderr, userUsage); fs.PrintDefaults() }
	var username, name, orgRef, roles, mobile string
	if sub == "create" {
		fs.StringVar(&username, "username", "", "用户名")
		fs.StringVar(&name, "name", "", "姓名")
		fs.StringVar(&orgRef, "org", "", "所属单位的名称或ID")
		fs.StringVar(&roles, "role", "", "角色，逗号分隔")
		fs.StringVar(&mobile, "mobile", "", "手机号（选填）")
	}
	if ok, err := parse(fs, rest); !ok {
		return err
	}
	if sub != "create" && sub != "list" {
		if fs.NArg() < 1 {
			return exitError{2, userUsage}
		}
		username = fs.Arg(0)
		// Flags may also follow the username: yiwang user reset clerk --data DIR.
		if ok, err := parse(fs, fs.Args()[1:]); !ok {
			return err
		}
		if fs.NArg() != 0 {
			return exitError{2, userUsage}
		}
	}
	a, err := open(ctx, cfg, quietLog(stderr), true, false)
	if err != nil {
		return err
	}
	defer a.Close()
	actor := cliActor()
	switch sub {
	case "create":
		orgID, err := findOrg(ctx, a, orgRef)
		if err != nil {
			return err
		}
		var rs []yiwang.Role
		for _, r := range strings.Split(roles, ",") {
			if r = strings.TrimSpace(r); r != "" {
				rs = append(rs, yiwang.Role(r))
			}
		}
		acct, pw, err := a.identity.CreateStaff(ctx, actor, identity.StaffInput{Username: username, Name: name,
			OrgID: orgID, Mobile: mobile, Roles: rs})
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "已创建 %s（%s）\n初始密码: %s\n动态口令密钥: %s\n首次登录时在验证器中添加该密钥。\n", acct.Username, acct.Name, pw, acct.TOTPSecret)
		return nil
	case "list":
		list, err := a.db.ListStaff(ctx, identity.StaffFilter{})
		if err != nil {
			return err
		}
		for _, s := range list {
			var names []string
			for _, r := range s.Roles {
				names = append(names, string(r))
			}
			fmt.Fprintf(stdout, "%-16s %-8s %-8s %s\n", s.Username, s.Name, s.Status, strings.Join(names, ","))
		}
		return nil
	}
	acct, err := a.identity.Store.AccountByUsername(ctx, strings.ToLower(username))
	if err != nil {
		return describe(err)
	}
	switch sub {
	case "reset":
		pw, err := a.identity.ResetPassword(ctx, actor, acct.ID)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "%s 的新密码: %s（账号已解除锁定）\n", acct.Username, pw)
	case "reset-totp":
		if err := a.identity.ResetTOTP(ctx, actor, acct.ID); err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "%s 的动态口令已重置，下次登录时重新绑定\n", acct.Username)
	case "disable", "enable":
		if err := a.identity.SetStatus(ctx, actor, acct.ID, sub == "disable"); err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "%s 已%s\n", acct.Username, map[string]string{"disable": "停用", "enable": "启用"}[sub])
	default:
		return exitError{2, "未知的子命令：" + sub + "\n" + userUsage}
	}
	return nil
}

// describe turns a domain error into a message for the terminal.
func describe(err error) error {
	if yiwang.ErrorCode(err) == yiwang.EINTERNAL {
		return err
	}
	msg := yiwang.ErrorMessage(err)
	for k, v := range yiwang.ErrorFields(err) {
		msg += "\n  " + k + ": " + v
	}
	return exitError{1, msg}
}

func findOrg(ctx context.Context, a *app, ref string) (string, error) {
	if ref == "" {
		return "", exitError{2, "请用 --org 指定所属单位（名称或ID）"}
	}
	all, err := a.orgs.Tree(ctx)
	if err != nil {
		return "", err
	}
	var hits []string
	for _, o := range all {
		if o.ID == ref || o.Name == ref {
			hits = append(hits, o.ID)
		}
	}
	switch len(hits) {
	case 1:
		return hits[0], nil
	case 0:
		return "", exitError{1, "找不到单位：" + ref}
	}
	return "", exitError{1, "有多个单位叫“" + ref + "”，请改用单位ID"}
}
