package main

import (
	"context"
	"encoding/base64"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/yushan-gov/yiwang/identity/certlogin"
)

const certUsage = `用法:
  yiwang cert sign --key KEY.pem --challenge 挑战码
      用私钥对证书登录页上的挑战码签名，输出 Base64 签名值（粘贴到“签名值”一栏）。
      私钥为 PEM：PRIVATE KEY（PKCS#8）、EC PRIVATE KEY 或 RSA PRIVATE KEY。
      SM2 私钥：SM2 签名、SM3 杂凑、用户标识 1234567812345678；RSA：PKCS#1 v1.5 与 SHA-256；
      ECDSA（P-256/P-384）：SHA-256；签名均为 DER 编码。
  yiwang cert new --name 企业名称 [--credit-code 统一社会信用代码] [--alg sm2|rsa|ecdsa|ecdsa-p384] [--days 365] --out 文件名前缀
      生成一张自签名的测试证书（前缀.crt）和私钥（前缀.key），用于没有 USB Key 时试用证书登录。
      信用代码写在证书主题的 serialNumber 中。正式使用请向依法设立的电子认证服务机构申请证书。`

func cmdCert(_ context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "sign" && args[0] != "new") {
		fmt.Fprintln(stderr, certUsage)
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
			return nil
		}
		return exitError{2, ""}
	}
	fs := flag.NewFlagSet("cert "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, certUsage) }
	if args[0] == "sign" {
		keyFile := fs.String("key", "", "私钥 PEM 文件")
		challenge := fs.String("challenge", "", "证书登录页上显示的挑战码（整行原样复制）")
		if ok, err := parse(fs, args[1:]); !ok {
			return err
		}
		if *keyFile == "" || *challenge == "" || fs.NArg() > 0 {
			return exitError{2, "请用 --key 给出私钥文件、用 --challenge 给出挑战码\n" + certUsage}
		}
		return certSign(*keyFile, *challenge, stdout, stderr)
	}
	name := fs.String("name", "", "企业名称（写入证书主题的 CN 和 O）")
	code := fs.String("credit-code", "", "统一社会信用代码（写入证书主题的 serialNumber）")
	alg := fs.String("alg", "sm2", "密钥算法：sm2、rsa、ecdsa（P-256）或 ecdsa-p384")
	days := fs.Int("days", 365, "有效天数")
	out := fs.String("out", "", "输出文件名前缀：写出 前缀.crt 和 前缀.key")
	if ok, err := parse(fs, args[1:]); !ok {
		return err
	}
	if *name == "" || *out == "" || *days < 1 || fs.NArg() > 0 {
		return exitError{2, "请用 --name 给出企业名称、用 --out 给出文件名前缀（--days 至少为 1）\n" + certUsage}
	}
	return certNew(*name, strings.ToUpper(strings.TrimSpace(*code)), *alg, *days, *out, stdout)
}

// certSign prints the base64 signature of challenge by the key in keyFile.
func certSign(keyFile, challenge string, stdout, stderr io.Writer) error {
	b, err := os.ReadFile(keyFile)
	if err != nil {
		return exitError{2, "读不到私钥文件：" + err.Error()}
	}
	key, err := certlogin.ParsePrivateKey(b)
	if err != nil {
		return exitError{1, keyFile + "：" + err.Error()}
	}
	if strings.TrimSpace(challenge) != challenge || !strings.HasPrefix(challenge, certlogin.ChallengePrefix) {
		fmt.Fprintf(stderr, "注意：挑战码通常以 %s 开头且前后没有空格，请确认是从证书登录页整行复制的\n", certlogin.ChallengePrefix)
	}
	sig, err := certlogin.Sign(key, []byte(challenge))
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, base64.StdEncoding.EncodeToString(sig))
	return nil
}

// certNew writes a self-signed test certificate and its key.
func certNew(name, code, alg string, days int, out string, stdout io.Writer) error {
	key, err := certlogin.NewKey(alg)
	if err != nil {
		return exitError{2, err.Error()}
	}
	now := time.Now()
	certPEM, keyPEM, err := certlogin.SelfSigned(key, name, code, now.Add(-time.Hour), now.AddDate(0, 0, days))
	if err != nil {
		return err
	}
	if err := os.WriteFile(out+".key", keyPEM, 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(out+".crt", certPEM, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已生成测试证书 %s.crt 和私钥 %s.key（%s，%d 天有效）。\n"+
		"在“企业证书”页面登记 %s.crt；登录时用 yiwang cert sign --key %s.key --challenge 挑战码 签名。\n", out, out, alg, days, out, out)
	return nil
}
