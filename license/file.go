package license

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"regexp"
	"unicode/utf8"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/seal"
)

// Format names the layout of the signed data; it is inside the signed bytes
// so that a signature over other data can never pass as a license.
const Format = "yiwang-license/1"

// Holder code types (GB/T 36903).
const (
	HolderIDCard     = "111" // 居民身份证
	HolderCreditCode = "001" // 统一社会信用代码
)

// Field is one type-specific field of a license (e.g. 经营场所), in the order
// the license type lists them.
type Field struct {
	Name  string
	Value string
}

// Data is what a license file signs. Dates are civil dates "YYYY-MM-DD" in
// Asia/Shanghai; ValidUntil is "" for a license without an end (长期).
type Data struct {
	Fields         []Field
	HolderCode     string // 持证主体代码
	HolderCodeType string // HolderIDCard or HolderCreditCode
	HolderName     string // 持证主体
	ID             string // 证照标识, 1.2.156.3005.2.…
	IssuedOn       string // 颁发日期
	IssuerCode     string // 颁发机构代码 (统一社会信用代码)
	IssuerName     string // 颁发机构
	TypeCode       string // 证照类型代码
	TypeName       string // 证照类型名称
	ValidFrom      string // 有效期起
	ValidUntil     string // 有效期止
}

var dateRE = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)

// Validate checks that d can be signed: a valid identifier whose type and
// issuer parts match TypeCode and IssuerCode, a known holder code type,
// well-formed dates and valid UTF-8 everywhere. It returns EINVALID.
func (d Data) Validate() error {
	p, err := ParseID(d.ID)
	if err != nil {
		return err
	}
	if p.TypeCode != d.TypeCode || p.Issuer != d.IssuerCode {
		return yiwang.Errorf(yiwang.EINVALID, "证照标识中的类型代码或颁发机构代码与证照内容不一致")
	}
	if d.HolderCodeType != HolderIDCard && d.HolderCodeType != HolderCreditCode {
		return yiwang.Errorf(yiwang.EINVALID, "持证主体代码类型须为 111（居民身份证）或 001（统一社会信用代码）")
	}
	if d.HolderCode == "" || d.HolderName == "" || d.IssuerName == "" || d.TypeName == "" {
		return yiwang.Errorf(yiwang.EINVALID, "持证主体、持证主体代码、颁发机构和证照类型名称不能为空")
	}
	if !dateRE.MatchString(d.IssuedOn) || !dateRE.MatchString(d.ValidFrom) || d.ValidUntil != "" && !dateRE.MatchString(d.ValidUntil) {
		return yiwang.Errorf(yiwang.EINVALID, "日期须为 YYYY-MM-DD 格式")
	}
	for _, s := range d.strings() {
		if !utf8.ValidString(s) {
			return yiwang.Errorf(yiwang.EINVALID, "证照内容含有无效的 UTF-8 字符")
		}
	}
	return nil
}

func (d Data) strings() []string {
	out := []string{d.HolderCode, d.HolderCodeType, d.HolderName, d.ID, d.IssuedOn, d.IssuerCode, d.IssuerName,
		d.TypeCode, d.TypeName, d.ValidFrom, d.ValidUntil}
	for _, f := range d.Fields {
		out = append(out, f.Name, f.Value)
	}
	return out
}

// Canonical returns the bytes a license signature covers: the data as one
// JSON object with the members in this fixed order (which is also sorted
// order, so the result equals the RFC 8785 JSON Canonicalization Scheme
// form), no whitespace, and strings escaped as in writeString:
//
//	fields, format, holder_code, holder_code_type, holder_name, id,
//	issued_on, issuer_code, issuer_name, type_code, type_name, valid_from,
//	valid_until
//
// fields is an array of {"name":…,"value":…} in order; format is Format.
// It returns EINVALID when d does not validate.
func (d Data) Canonical() ([]byte, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString(`{"fields":[`)
	for i, f := range d.Fields {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"name":`)
		writeString(&b, f.Name)
		b.WriteString(`,"value":`)
		writeString(&b, f.Value)
		b.WriteByte('}')
	}
	b.WriteByte(']')
	for _, m := range []struct{ name, value string }{
		{"format", Format}, {"holder_code", d.HolderCode}, {"holder_code_type", d.HolderCodeType},
		{"holder_name", d.HolderName}, {"id", d.ID}, {"issued_on", d.IssuedOn}, {"issuer_code", d.IssuerCode},
		{"issuer_name", d.IssuerName}, {"type_code", d.TypeCode}, {"type_name", d.TypeName},
		{"valid_from", d.ValidFrom}, {"valid_until", d.ValidUntil},
	} {
		b.WriteString(`,"` + m.name + `":`)
		writeString(&b, m.value)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// writeString writes s as a JSON string the RFC 8785 way: '"' and '\' are
// escaped with a backslash; U+0008, U+0009, U+000A, U+000C, U+000D as \b \t
// \n \f \r; other characters below U+0020 as \u00XX with lower-case hex;
// every other character as its UTF-8 bytes, unescaped.
func writeString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\f':
			b.WriteString(`\f`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if r < 0x20 {
				fmt.Fprintf(b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
}

// Signer signs bytes with an org's current key and says which key and
// algorithm; seal.Service is one.
type Signer interface {
	SignAlg(ctx context.Context, orgID string, msg []byte) (sig []byte, keyID, alg string, err error)
}

// SignFile signs d with the org's key and returns the license file.
func SignFile(ctx context.Context, s Signer, orgID string, d Data) ([]byte, error) {
	msg, err := d.Canonical()
	if err != nil {
		return nil, err
	}
	sig, keyID, alg, err := s.SignAlg(ctx, orgID, msg)
	if err != nil {
		return nil, fmt.Errorf("sign license %s: %w", d.ID, err)
	}
	if _, ok := uidFor[alg]; !ok {
		return nil, fmt.Errorf("sign license %s: unsupported algorithm %q", d.ID, alg)
	}
	return assemble(msg, alg, keyID, sig), nil
}

// uidFor is the signer ID a file names for each algorithm: GM/T 0009's
// default for SM2, none for Ed25519.
var uidFor = map[string]string{seal.AlgSM2SM3: seal.DefaultUID, seal.AlgEd25519: ""}

// assemble writes the license file: one JSON object with the members alg,
// data, key_id, signature, uid in that order, no whitespace, then one LF.
// data is the canonical bytes themselves, so the file is RFC 8785 form too.
func assemble(canonical []byte, alg, keyID string, sig []byte) []byte {
	var b bytes.Buffer
	b.WriteString(`{"alg":`)
	writeString(&b, alg)
	b.WriteString(`,"data":`)
	b.Write(canonical)
	b.WriteString(`,"key_id":`)
	writeString(&b, keyID)
	b.WriteString(`,"signature":"` + base64.StdEncoding.EncodeToString(sig) + `","uid":`)
	writeString(&b, uidFor[alg])
	b.WriteString("}\n")
	return b.Bytes()
}
