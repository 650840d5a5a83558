package license

import (
	"fmt"
	"strings"

	"github.com/yushan-gov/yiwang"
)

// IDPrefix is the fixed head of every e-license identifier (GB/T 36904):
// the OID arc of China's e-licenses.
const IDPrefix = "1.2.156.3005.2."

// Lengths of the parts of an identifier.
const (
	TypeCodeLen  = 21 // the defining org's 18-character credit code + a 3-digit sequence
	IssuerLen    = 18 // the issuing org's 统一社会信用代码
	MaxSerialLen = 64
)

// ParsedID is an e-license identifier split into its parts.
type ParsedID struct {
	TypeCode string // 证照类型代码
	Issuer   string // 颁发机构代码
	Serial   string // 流水号
	Version  int    // 版本号, 1–999
	Check    byte   // 校验位
}

// String returns the identifier.
func (p ParsedID) String() string {
	return fmt.Sprintf("%s%s.%s.%s.%03d.%c", IDPrefix, p.TypeCode, p.Issuer, p.Serial, p.Version, p.Check)
}

// ID builds the identifier
// 1.2.156.3005.2.<type>.<issuer>.<serial>.<version as 3 digits>.<check>,
// where the check character is ISO 7064 MOD 37,36 over type, issuer, serial
// and the 3-digit version written one after another. It returns EINVALID if
// a part is malformed.
func ID(typeCode, issuerCredit, serial string, version int) (string, error) {
	if err := checkParts(typeCode, issuerCredit, serial, version); err != nil {
		return "", err
	}
	c, _ := CheckChar(checkInput(typeCode, issuerCredit, serial, version))
	return ParsedID{TypeCode: typeCode, Issuer: issuerCredit, Serial: serial, Version: version, Check: c}.String(), nil
}

func checkInput(typeCode, issuer, serial string, version int) string {
	return fmt.Sprintf("%s%s%s%03d", typeCode, issuer, serial, version)
}

func checkParts(typeCode, issuer, serial string, version int) error {
	switch {
	case len(typeCode) != TypeCodeLen || !upperAlnum(typeCode):
		return yiwang.Errorf(yiwang.EINVALID, "证照类型代码须为 %d 位数字或大写字母", TypeCodeLen)
	case len(issuer) != IssuerLen || !upperAlnum(issuer):
		return yiwang.Errorf(yiwang.EINVALID, "颁发机构代码须为 %d 位统一社会信用代码", IssuerLen)
	case serial == "" || len(serial) > MaxSerialLen || !upperAlnum(serial):
		return yiwang.Errorf(yiwang.EINVALID, "流水号须为 1 到 %d 位数字或大写字母", MaxSerialLen)
	case version < 1 || version > 999:
		return yiwang.Errorf(yiwang.EINVALID, "版本号须在 001 到 999 之间")
	}
	return nil
}

func upperAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if charValue(s[i]) < 0 {
			return false
		}
	}
	return true
}

// ParseID splits an identifier into its parts and checks its structure and
// check character. It returns EINVALID with a Chinese message otherwise.
func ParseID(s string) (ParsedID, error) {
	var p ParsedID
	rest, ok := strings.CutPrefix(s, IDPrefix)
	if !ok {
		return p, yiwang.Errorf(yiwang.EINVALID, "证照标识须以 %s 开头", IDPrefix)
	}
	parts := strings.Split(rest, ".")
	if len(parts) != 5 {
		return p, yiwang.Errorf(yiwang.EINVALID, "证照标识须由类型代码、颁发机构代码、流水号、版本号和校验位五段组成")
	}
	ver := parts[3]
	if len(ver) != 3 || ver[0] < '0' || ver[0] > '9' || ver[1] < '0' || ver[1] > '9' || ver[2] < '0' || ver[2] > '9' {
		return p, yiwang.Errorf(yiwang.EINVALID, "版本号须为 3 位数字")
	}
	p.TypeCode, p.Issuer, p.Serial = parts[0], parts[1], parts[2]
	p.Version = int(ver[0]-'0')*100 + int(ver[1]-'0')*10 + int(ver[2]-'0')
	if err := checkParts(p.TypeCode, p.Issuer, p.Serial, p.Version); err != nil {
		return ParsedID{}, err
	}
	if len(parts[4]) != 1 || charValue(parts[4][0]) < 0 {
		return ParsedID{}, yiwang.Errorf(yiwang.EINVALID, "校验位须为 1 位数字或大写字母")
	}
	want, _ := CheckChar(checkInput(p.TypeCode, p.Issuer, p.Serial, p.Version))
	if parts[4][0] != want {
		return ParsedID{}, yiwang.Errorf(yiwang.EINVALID, "证照标识校验位不正确")
	}
	p.Check = want
	return p, nil
}
