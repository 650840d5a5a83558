package idcode

// compoundSurnames holds the common two-character surnames (复姓) that
// MaskName keeps whole.
var compoundSurnames = map[string]bool{
	"欧阳": true, "司马": true, "上官": true, "诸葛": true, "东方": true,
	"皇甫": true, "尉迟": true, "公孙": true, "慕容": true, "长孙": true,
	"宇文": true, "司徒": true, "令狐": true, "夏侯": true, "端木": true,
	"独孤": true, "南宫": true, "西门": true, "轩辕": true, "呼延": true,
	"澹台": true, "公冶": true, "太史": true, "申屠": true, "闻人": true,
	"万俟": true, "赫连": true, "淳于": true, "钟离": true, "濮阳": true,
	"东郭": true, "百里": true, "司空": true, "第五": true, "单于": true,
	"拓跋": true, "完颜": true, "鲜于": true, "闾丘": true, "左丘": true,
}
