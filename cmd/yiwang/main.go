// Command yiwang is the Yushan District integrated online government service
// platform: one binary for the server and its administration commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `yiwang — 雨山区一体化网上政务服务平台

用法: yiwang <命令> [参数]

命令:
  serve         启动平台（门户、工作台、管理后台、API）；首次启动自动载入演示数据
  migrate       升级数据库结构
  demo          向空数据库载入雨山区演示数据（--orgs-only 只载入组织机构，用于生产环境）
  user          管理工作人员账号：create | reset | reset-totp | disable | enable | list
  catalog       事项目录导出/导入 Excel：catalog export FILE.xlsx | catalog import FILE.xlsx
  audit verify  校验审计日志哈希链
  holidays      节假日安排：holidays list | holidays add FILE（国务院办公厅公布的下一年安排，holiday-cn 格式）
  license       电子证照：license list | license export 证照标识 -o FILE | license verify FILE --keys KEYS.json | --url 平台地址
  report        监察统计月报（XLSX）：report --month 2026-10 --out FILE.xlsx
  backup        在线备份到空目录：backup DIR（SQLite 数据库、材料文件、密钥）
  restore       从备份恢复到新的数据目录并校验：restore DIR --data NEWDIR
  cert          企业证书登录：cert sign --key KEY.pem --challenge 挑战码（输出签名值）| cert new（测试证书）
  bench         性能基准（本机回环地址）：bench [--quick] [--workloads idle,raw,submit,track,search,inbox] [--items 10000] [--n N] [--concurrency N] [--cases N] [--db postgres://…]
  version       显示版本

每个命令都可加 --help 查看参数。涉及数据的命令都接受 --data 和 --db
（环境变量 YIWANG_DATA、YIWANG_DB），例如: yiwang audit verify --data ./yiwang-data
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		var ee exitError
		if errors.As(err, &ee) {
			fmt.Fprintln(os.Stderr, ee.msg)
			os.Exit(ee.code)
		}
		fmt.Fprintln(os.Stderr, "错误:", err)
		os.Exit(1)
	}
}

// exitError ends the program with a code and a message, without "错误:".
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return e.msg }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitError{2, ""}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, rest, stdout, stderr)
	case "migrate":
		return cmdMigrate(ctx, rest, stdout, stderr)
	case "demo":
		return cmdDemo(ctx, rest, stdout, stderr)
	case "user":
		return cmdUser(ctx, rest, stdout, stderr)
	case "audit":
		return cmdAudit(ctx, rest, stdout, stderr)
	case "catalog":
		return cmdCatalog(ctx, rest, stdout, stderr)
	case "license":
		return cmdLicense(ctx, rest, stdout, stderr)
	case "cert":
		return cmdCert(ctx, rest, stdout, stderr)
	case "report":
		return cmdReport(ctx, rest, stdout, stderr)
	case "backup":
		return cmdBackup(ctx, rest, stdout, stderr)
	case "restore":
		return cmdRestore(ctx, rest, stdout, stderr)
	case "holidays":
		return cmdHolidays(ctx, rest, stdout, stderr)
	case "bench":
		return cmdBench(ctx, rest, stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "yiwang", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return exitError{2, "未知命令：" + cmd}
}
