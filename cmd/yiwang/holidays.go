package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

const holidaysUsage = `用法:
  yiwang holidays list [--data DIR] [--db URL]          列出已有节假日安排的年份
  yiwang holidays add FILE [--data DIR] [--db URL]      录入一年的安排（holiday-cn 格式的 JSON）
`

// cmdHolidays lists the years of the working-day calendar or adds one from
// the command line, as the system administrator's page does.
func cmdHolidays(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "list" && args[0] != "add") {
		fmt.Fprint(stderr, holidaysUsage)
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			return nil
		}
		return exitError{2, ""}
	}
	var cfg config
	fs := newFlags("holidays "+args[0], "holidays "+args[0]+" [--data DIR] [--db URL]", stderr, &cfg)
	file, ok, err := parseArg(fs, args[1:], holidaysUsage)
	if !ok {
		return err
	}
	var data []byte
	if args[0] == "add" {
		if file == "" {
			fmt.Fprint(stderr, holidaysUsage)
			return exitError{2, ""}
		}
		if data, err = os.ReadFile(file); err != nil {
			return exitError{2, "读取文件失败：" + err.Error()}
		}
	}
	a, err := open(ctx, cfg, quietLog(stderr), false, false)
	if err != nil {
		return err
	}
	defer a.Close()
	if args[0] == "add" {
		year, err := a.holidays.Add(ctx, cliActor(), data)
		if err != nil {
			return exitError{1, err.Error()}
		}
		fmt.Fprintf(stdout, "已录入 %d 年节假日安排；运行中的服务在 10 分钟内使用它\n", year)
		return nil
	}
	var ys []string
	for _, y := range a.holidays.Calendar.Years() {
		ys = append(ys, strconv.Itoa(y))
	}
	fmt.Fprintln(stdout, strings.Join(ys, " "))
	if m := a.holidays.Missing(); len(m) > 0 {
		fmt.Fprintf(stderr, "注意：%v 年的节假日安排尚未录入\n", m)
	}
	return nil
}
