package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/license"
	"github.com/yushan-gov/yiwang/seal"
)

const licenseUsage = `用法:
  yiwang license list [--q 关键词] [--data DIR] [--db URL]        列出数据库中证照的标识（新的在前）
  yiwang license export 证照标识 -o FILE [--data DIR] [--db URL]  把签名证照文件写到 FILE
  yiwang license verify FILE --keys KEYS.json   用已下载的公钥清单离线校验证照文件
  yiwang license verify FILE --url BASEURL      先从 BASEURL` + seal.WellKnownPath + ` 取一次公钥清单
verify 的退出码: 0 有效；1 无效（签名无效、未知密钥或文件格式错误）；2 用法错误或读不到文件、公钥。`

func cmdLicense(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && (args[0] == "list" || args[0] == "export") {
		return licenseFromDB(ctx, args, stdout, stderr)
	}
	if len(args) < 1 || args[0] != "verify" {
		fmt.Fprintln(stderr, licenseUsage)
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			return nil
		}
		return exitError{2, ""}
	}
	fs := flag.NewFlagSet("license verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, licenseUsage) }
	keysFile := fs.String("keys", "", "公钥清单文件（"+seal.WellKnownPath+" 的内容）")
	baseURL := fs.String("url", "", "平台地址，如 https://zwfw.example；从其 "+seal.WellKnownPath+" 取公钥")
	if ok, err := parse(fs, args[1:]); !ok {
		return err
	}
	if fs.NArg() < 1 {
		return exitError{2, licenseUsage}
	}
	file := fs.Arg(0)
	if ok, err := parse(fs, fs.Args()[1:]); !ok {
		return err
	}
	if fs.NArg() > 0 || (*keysFile == "") == (*baseURL == "") {
		return exitError{2, "请给出一个证照文件，并用 --keys 或 --url 之一指定公钥来源\n" + licenseUsage}
	}
	return licenseVerify(ctx, file, *keysFile, *baseURL, stdout)
}

// licenseVerify checks the license file at path against the published keys
// read from keysFile or fetched once from baseURL.
func licenseVerify(ctx context.Context, path, keysFile, baseURL string, stdout io.Writer) error {
	data, err := readLimited(path)
	if err != nil {
		return exitError{2, "读取证照文件失败：" + err.Error()}
	}
	var raw []byte
	if keysFile != "" {
		raw, err = os.ReadFile(keysFile)
		if err != nil {
			return exitError{2, "读取公钥清单失败：" + err.Error()}
		}
	} else if raw, err = fetchKeys(ctx, baseURL); err != nil {
		return exitError{2, "获取公钥清单失败：" + err.Error()}
	}
	var ks seal.KeySet
	if err := json.Unmarshal(raw, &ks); err != nil {
		return exitError{2, "公钥清单不是有效的 JSON：" + err.Error()}
	}
	r := license.VerifyFile(data, ks.PEMs())
	if !r.OK() {
		return exitError{1, "证照文件无效：" + r.Reason}
	}
	d := r.Data
	k, _ := ks.Find(r.KeyID)
	if k.OrgCode != d.IssuerCode {
		return exitError{1, fmt.Sprintf("证照文件无效：签名密钥 %s 属于%s（%s），不是证照上的颁发机构 %s（%s）",
			r.KeyID, k.OrgName, k.OrgCode, d.IssuerName, d.IssuerCode)}
	}
	fmt.Fprintf(stdout, "证照文件有效：签名由 %s 的签章密钥 %s 验证通过\n", k.OrgName, r.KeyID)
	fmt.Fprintf(stdout, "  证照标识  %s\n  证照名称  %s\n  持证主体  %s\n  颁发机构  %s\n  颁发日期  %s\n", d.ID, d.TypeName,
		d.HolderName, d.IssuerName, d.IssuedOn)
	until := d.ValidUntil
	if until == "" {
		until = "长期"
	}
	fmt.Fprintf(stdout, "  有效期    %s 至 %s\n", d.ValidFrom, until)
	if k.RetiredAt != nil {
		fmt.Fprintf(stdout, "注意：该密钥已于 %s 停用（轮换），请确认证照签发于停用之前\n", k.RetiredAt.Format(time.DateOnly))
	}
	fmt.Fprintln(stdout, "离线校验只证明文件未被改动；证照当前状态（暂扣、撤销、注销等）请以平台在线查验为准")
	return nil
}

// licenseFromDB lists the licenses in the database or exports one's signed
// file: the operator's way to hand a file to someone, or to check one.
func licenseFromDB(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlags("license "+args[0], "license "+args[0]+" [--data DIR] [--db URL]", stderr, &cfg)
	q := fs.String("q", "", "只列出标识、持证人、证照名称或办件编号含此关键词的证照")
	out := fs.String("o", "", "写入的文件")
	id, ok, err := parseArg(fs, args[1:], licenseUsage)
	if !ok {
		return err
	}
	if args[0] == "export" && (id == "" || *out == "") {
		return exitError{2, "请给出证照标识，并用 -o 指定写入的文件\n" + licenseUsage}
	}
	a, err := open(ctx, cfg, quietLog(stderr), false, false)
	if err != nil {
		return err
	}
	defer a.Close()
	if args[0] == "list" {
		for offset := 0; ; offset += 500 {
			ls, err := a.db.Licenses(ctx, license.ListQuery{Q: *q, Limit: 500, Offset: offset})
			if err != nil {
				return err
			}
			for _, l := range ls {
				fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\n", l.ID, l.TypeName, license.StatusName(l.StatusOn(time.Now().In(yiwang.Shanghai).Format(time.DateOnly))), l.Data.HolderName)
			}
			if len(ls) < 500 {
				return nil
			}
		}
	}
	l, err := a.licenses.Get(ctx, id)
	if err != nil {
		return exitError{1, err.Error()}
	}
	if l.Damaged {
		return exitError{1, "证照 " + l.ID + " 的存储文件已损坏，无法导出"}
	}
	if err := os.WriteFile(*out, l.File, 0o600); err != nil {
		return exitError{2, "写入文件失败：" + err.Error()}
	}
	fmt.Fprintf(stdout, "已导出 %s（%s，%s）到 %s\n", l.ID, l.TypeName, license.StatusName(l.Status), *out)
	return nil
}

func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, license.MaxFileSize+1))
}

func fetchKeys(ctx context.Context, baseURL string) ([]byte, error) {
	if !strings.HasPrefix(baseURL, "http://") && !strings.HasPrefix(baseURL, "https://") {
		return nil, fmt.Errorf("地址须以 http:// 或 https:// 开头：%s", baseURL)
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(baseURL, "/")+seal.WellKnownPath, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s 返回 %s", req.URL, resp.Status)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 8<<20))
}
