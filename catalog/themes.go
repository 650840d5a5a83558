package catalog

// Theme is a life-event theme (个人/法人主题) by which people browse.
type Theme struct {
	Code string
	Name string
	For  string // "person" (个人) or "legal" (法人)
}

// ThemeByCode returns the theme with code.
func ThemeByCode(code string) (Theme, bool) {
	for _, t := range Themes {
		if t.Code == code {
			return t, true
		}
	}
	return Theme{}, false
}

// Themes are the life-event themes of the portal (国家政务服务平台 style).
var Themes = []Theme{
	{"p01", "生育收养", "person"}, {"p02", "户籍办理", "person"}, {"p03", "教育科研", "person"},
	{"p04", "就业创业", "person"}, {"p05", "社会保障", "person"}, {"p06", "社会救助", "person"},
	{"p07", "医疗卫生", "person"}, {"p08", "婚姻登记", "person"}, {"p09", "残疾人服务", "person"},
	{"p10", "住房保障", "person"}, {"p11", "农业农村", "person"}, {"p12", "养老服务", "person"},
	{"p13", "司法公证", "person"}, {"p14", "交通出行", "person"}, {"p15", "死亡殡葬", "person"},
	{"p16", "优待抚恤", "person"},
	{"l01", "开办企业", "legal"}, {"l02", "投资立项", "legal"}, {"l03", "准营准办", "legal"},
	{"l04", "工程建设", "legal"}, {"l05", "税费办理", "legal"}, {"l06", "社保缴纳", "legal"},
	{"l07", "年检年审", "legal"}, {"l08", "注销清算", "legal"}, {"l09", "农业林业", "legal"},
	{"l10", "文化旅游", "legal"}, {"l11", "食品药品", "legal"}, {"l12", "安全生产", "legal"},
}
