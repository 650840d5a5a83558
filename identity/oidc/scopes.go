package oidc

// ScopeText is a scope explained to the person asked to agree to it.
type ScopeText struct {
	Scope  string
	Title  string
	Detail string
}

var scopeTexts = map[string]ScopeText{
	ScopeOpenID: {ScopeOpenID, "确认您的身份",
		"一个代表您的编号（不含姓名和证件号码），让该系统下次还能认出您"},
	ScopeProfile: {ScopeProfile, "姓名和脱敏信息",
		"您的姓名、遮盖了中间部分的身份证号（如 340504********1234）和手机号（如 138****5678）"},
	ScopePhone: {ScopePhone, "手机号码",
		"您完整的手机号码，用于该系统联系您"},
	ScopeIDCard: {ScopeIDCard, "完整身份证号",
		"您完整的身份证号码。只向身份信息已核验（实名二级及以上）的用户提供，每次提供都记入审计日志"},
	ScopeEnterprise: {ScopeEnterprise, "企业信息",
		"您代表办事的企业名称、统一社会信用代码，以及您是该企业的法定代表人还是经办人"},
	ScopeStaff: {ScopeStaff, "工作单位和岗位",
		"您所在的单位和您在平台上的工作角色"},
	ScopeOfflineAccess: {ScopeOfflineAccess, "保持登录",
		"您离开后，该系统在一段时间内（最长30天）仍可获取以上信息，直到您在本平台退出登录"},
}

// ScopeName returns a scope's short Chinese title.
func ScopeName(scope string) string {
	if t, ok := scopeTexts[scope]; ok {
		return t.Title
	}
	return scope
}

// ScopeTexts explains scopes to a person, in the order given.
func ScopeTexts(scopes []string) []ScopeText {
	out := make([]ScopeText, 0, len(scopes))
	for _, s := range scopes {
		if t, ok := scopeTexts[s]; ok {
			out = append(out, t)
		}
	}
	return out
}
