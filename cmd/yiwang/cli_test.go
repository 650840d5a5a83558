package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func cli(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, &out, &out)
	return out.String(), err
}

func TestCommands(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{{"serve", "--help"}, {"migrate", "--help"}, {"demo", "--help"},
		{"user", "--help"}, {"audit", "--help"}, {"audit", "verify", "--help"}, {"version"}, {"help"}} {
		if out, err := cli(t, args...); err != nil || out == "" {
			t.Fatalf("%v: %v %q", args, err, out)
		}
	}
	if _, err := cli(t, "nonsense"); err == nil {
		t.Fatal("unknown command accepted")
	}
	if out, err := cli(t, "demo", "--data", dir); err != nil || !strings.Contains(out, "已载入演示数据") {
		t.Fatalf("demo: %v %s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "yiwang.db")); err != nil {
		t.Fatal("--data ignored")
	}
	if _, err := cli(t, "demo", "--data", dir); err == nil {
		t.Fatal("demo loaded twice")
	}
	// YIWANG_DATA works like --data.
	t.Setenv("YIWANG_DATA", dir)
	out, err := cli(t, "user", "create", "--username", "ops.li", "--name", "李运维", "--org", "雨山区人民政府办公室", "--role", "sys_admin")
	if err != nil || !strings.Contains(out, "初始密码") {
		t.Fatalf("user create: %v %s", err, out)
	}
	if _, err := cli(t, "user", "create", "--username", "ops.li", "--name", "李运维", "--org", "雨山区人民政府办公室"); err == nil {
		t.Fatal("duplicate username accepted")
	}
	if _, err := cli(t, "user", "create", "--username", "x1", "--name", "某", "--org", "不存在的单位"); err == nil {
		t.Fatal("unknown org accepted")
	}
	for _, sub := range []string{"reset", "reset-totp", "disable", "enable"} {
		if out, err := cli(t, "user", sub, "ops.li"); err != nil {
			t.Fatalf("user %s: %v %s", sub, err, out)
		}
	}
	out, err = cli(t, "user", "list")
	if err != nil || !strings.Contains(out, "ops.li") || !strings.Contains(out, "admin") {
		t.Fatalf("user list: %v %s", err, out)
	}
	if out, err := cli(t, "audit", "verify"); err != nil || !strings.Contains(out, "校验通过") {
		t.Fatalf("audit verify: %v %s", err, out)
	}
	if out, err := cli(t, "migrate", "--data", dir); err != nil || !strings.Contains(out, "最新") {
		t.Fatalf("migrate: %v %s", err, out)
	}
	// audit verify never creates a key: on an empty dir it fails clearly.
	if _, err := cli(t, "audit", "verify", "--data", t.TempDir()); err == nil {
		t.Fatal("audit verify on an empty dir succeeded")
	}
}

func TestServeProdNeedsSMSGateway(t *testing.T) {
	t.Setenv("YIWANG_SMS_URL", "")
	_, err := cli(t, "serve", "--prod", "--addr", "127.0.0.1:0", "--data", t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "YIWANG_SMS_URL") {
		t.Fatalf("prod without SMS gateway: %v", err)
	}
}

func TestServeDevModeOnlyOnLoopback(t *testing.T) {
	for addr, ok := range map[string]bool{"127.0.0.1:8080": true, "localhost:80": true, "[::1]:8080": true,
		"0.0.0.0:8080": false, ":8080": false, "10.1.2.3:8080": false} {
		if loopback(addr) != ok {
			t.Errorf("loopback(%q) = %v", addr, !ok)
		}
	}
	if _, err := cli(t, "serve", "--addr", "0.0.0.0:0", "--data", t.TempDir()); err == nil || !strings.Contains(err.Error(), "--prod") {
		t.Fatalf("dev mode on all interfaces: %v", err)
	}
}

// TestCatalogCommands: export → import → export round-trips identically on
// the demo catalog, and a broken file is refused whole.
func TestCatalogCommands(t *testing.T) {
	dir := t.TempDir()
	if _, err := cli(t, "demo", "--data", dir); err != nil {
		t.Fatal(err)
	}
	first := filepath.Join(dir, "published.xlsx")
	if out, err := cli(t, "catalog", "export", first, "--data", dir); err != nil || !strings.Contains(out, "已导出 511") {
		t.Fatalf("export: %v %s", err, out)
	}
	out, err := cli(t, "catalog", "import", first, "--data", dir)
	if err != nil || !strings.Contains(out, "已导入 511") || !strings.Contains(out, "已检查 511 / 511") {
		t.Fatalf("import: %v %s", err, out)
	}
	second := filepath.Join(dir, "drafts.xlsx")
	if _, err := cli(t, "catalog", "export", second, "--status", "draft", "--data", dir); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(first)
	b, _ := os.ReadFile(second)
	if sheetText(t, a) != sheetText(t, b) {
		t.Fatal("export → import → export differs")
	}
	// Importing again while the drafts are open: every row refused, nothing written.
	if out, err := cli(t, "catalog", "import", first, "--data", dir); err == nil || !strings.Contains(err.Error(), "未导入任何内容") {
		t.Fatalf("second import: %v %s", err, out)
	}
	big := filepath.Join(dir, "big.xlsx")
	os.WriteFile(big, make([]byte, 20<<20), 0o644)
	if _, err := cli(t, "catalog", "import", big, "--data", dir); err == nil || !strings.Contains(err.Error(), "文件过大") {
		t.Fatalf("20 MB file: %v", err)
	}
	bad := filepath.Join(dir, "bad.xlsx")
	os.WriteFile(bad, []byte("实施编码,名称\n1,低保\n"), 0o644)
	if _, err := cli(t, "catalog", "import", bad, "--data", dir); err == nil {
		t.Fatal("a CSV was imported")
	}
}

func sheetText(t *testing.T, b []byte) string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	for _, name := range f.GetSheetList() {
		rows, _ := f.GetRows(name)
		for _, r := range rows {
			sb.WriteString(strings.Join(r, "\t") + "\n")
		}
	}
	return sb.String()
}
