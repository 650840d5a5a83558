package demo

import "github.com/yushan-gov/yiwang/org"

// The demo organisation chart of Yushan District (雨山区), Ma'anshan.
//
// Sources and what is real:
//
//   - Townships, streets and the development zone, and their 9-digit
//     codes, follow 国家统计局《2023年统计用区划代码和城乡划分代码》
//     (as of 2023-06-30). Every village and community below is taken from
//     the same table, with its real 12-digit code; only a few of each
//     township's villages and communities are listed. Names drop the
//     table's "村委会"/"社区居委会" suffix. The township-level entries use
//     the 12-digit form of their code (9 digits + "000"). All region codes
//     here are thus confirmed, none is made up.
//   - 雨山经济开发区 (340504401) has no village or community of its own in
//     that table, only 340504401498 "雨山经济开发区虚拟社区", which is the one
//     listed under it. (The table also lists 340504402 市经济技术开发区, the
//     city's own zone; it is not part of this chart.)
//   - In the 2023 table 陈家村 is under 采石街道 (340504004203), and 银塘镇
//     has no 银塘村, only 银塘社区 (340504101006).
//   - The departments are those named in 雨政〔2017〕61号 (附件1, 附件3), as
//     they were in 2017 (before the 2018-2019 reforms merged the tax bureaus
//     and renamed several others). The plan gives short forms only; the names
//     here are the standard full forms (人力资源和社会保障局 for 人社局, etc.).
//     Where no standard full form is certain, the name is "雨山区" plus the
//     plan's short form (督查绩效办, 文旅局, 城管局, 保密办).
//   - Credit codes are made up: the loader builds them from OrgBody with
//     idcode.MakeCreditCode, so they are valid but belong to no one.
//   - Addresses, telephone numbers and opening hours are demo values, not
//     checked against any source. Every number's local part begins with 0,
//     which no real local number in China does, so none of them can reach a
//     real subscriber.

// OrgSpec is one org of the demo chart. Parent is the Key of its parent ("" for the district).
type OrgSpec struct {
	Key        string // stable ASCII key, e.g. "yushan", "dept-mca", "pinghu", "pinghu-center", "window-01"
	Parent     string
	Kind       org.Kind
	Name       string
	RegionCode string // for regions: GB/T 2260 or 12-digit statistical division code; others leave "" (inherit)
	OrgBody    string // departments (and the district centre): the 8-character body of a made-up organization code, for idcode.MakeCreditCode('1', '1', "340504", OrgBody)
	Address    string
	Phone      string // demo numbers, see above
	Hours      string
}

const (
	hoursOffice = "周一至周五 上午8:30-12:00 下午14:30-17:30（法定节假日除外）"
	hoursAgent  = "周一至周五 上午8:30-11:30 下午14:30-17:00（法定节假日除外）"
)

// DemoOrgs is the demo chart, parents before their children.
var DemoOrgs = []OrgSpec{
	// 区：GB/T 2260 代码 340504（已核实）。
	{Key: "yushan", Parent: "", Kind: org.KindDistrict, Name: "雨山区", RegionCode: "340504", Address: "安徽省马鞍山市雨山区"},
	// 区政务服务中心及其窗口。
	{Key: "yushan-center", Parent: "yushan", Kind: org.KindCenter, Name: "雨山区政务服务中心", OrgBody: "MB504100", Address: "安徽省马鞍山市雨山区政务服务中心一楼大厅", Phone: "0555-0100000", Hours: hoursOffice},
	{Key: "window-01", Parent: "yushan-center", Kind: org.KindWindow, Name: "综合受理窗口1号", Address: "雨山区政务服务中心一楼大厅1号窗口", Phone: "0555-0100001", Hours: hoursOffice},
	{Key: "window-02", Parent: "yushan-center", Kind: org.KindWindow, Name: "综合受理窗口2号", Address: "雨山区政务服务中心一楼大厅2号窗口", Phone: "0555-0100002", Hours: hoursOffice},
	{Key: "window-03", Parent: "yushan-center", Kind: org.KindWindow, Name: "市场监管窗口", Address: "雨山区政务服务中心一楼大厅3号窗口", Phone: "0555-0100003", Hours: hoursOffice},
	{Key: "window-04", Parent: "yushan-center", Kind: org.KindWindow, Name: "人社窗口", Address: "雨山区政务服务中心一楼大厅4号窗口", Phone: "0555-0100004", Hours: hoursOffice},
	{Key: "window-05", Parent: "yushan-center", Kind: org.KindWindow, Name: "民政窗口", Address: "雨山区政务服务中心一楼大厅5号窗口", Phone: "0555-0100005", Hours: hoursOffice},
	{Key: "window-06", Parent: "yushan-center", Kind: org.KindWindow, Name: "不动产登记窗口", Address: "雨山区政务服务中心一楼大厅6号窗口", Phone: "0555-0100006", Hours: hoursOffice},
	{Key: "window-07", Parent: "yushan-center", Kind: org.KindWindow, Name: "公安户政窗口", Address: "雨山区政务服务中心一楼大厅7号窗口", Phone: "0555-0100007", Hours: hoursOffice},
	{Key: "window-08", Parent: "yushan-center", Kind: org.KindWindow, Name: "税务窗口", Address: "雨山区政务服务中心一楼大厅8号窗口", Phone: "0555-0100008", Hours: hoursOffice},
	{Key: "window-09", Parent: "yushan-center", Kind: org.KindWindow, Name: "咨询导办窗口", Address: "雨山区政务服务中心一楼大厅9号窗口", Phone: "0555-0100009", Hours: hoursOffice},
	{Key: "window-10", Parent: "yushan-center", Kind: org.KindWindow, Name: "出件窗口", Address: "雨山区政务服务中心一楼大厅10号窗口", Phone: "0555-0100010", Hours: hoursOffice},
	// 区直部门（雨政〔2017〕61号附件1、附件3所列单位；名称说明见文件头）。
	{Key: "dept-gov-office", Parent: "yushan", Kind: org.KindDepartment, Name: "雨山区人民政府办公室", OrgBody: "MB504001", Phone: "0555-0101001", Hours: hoursOffice},
	{Key: "dept-dec", Parent: "yushan", Kind: org.KindDepartment, Name: "雨山区发展和经济委员会", OrgBody: "MB504002", Phone: "0555-0101002", Hours: hoursOffice},
	{Key: "dept-bianban", Parent: "yushan", Kind: org.KindDepartment, Name: "雨山区机构编制委员会办公室", OrgBody: "MB504003", Phone: "0555-0101003", Hours: hoursOffice},
	{Key: "dept-mca", Parent: "yushan", Kind: org.KindDepartment, Name: "雨山区民政局", OrgBody: "MB504004", Phone: "0555-0101004", Hours: hoursOffice},
	{Key: "dept-finance", Parent: "yushan", Kind: org.KindDepartment, Name: "雨山区财政局", OrgBody: "MB504005", Phone: "0555-0101005", Hours: hoursOffice},
	{Key: "dept-hrss", Parent: "yushan", Kind: org.KindDepartment, Name: "雨山区人力资源和社会保障局", OrgBody: "MB504006", Phone: "0555-0101006", Hours: hoursOffice},
	{Key: "dept-hfpc", Parent: "yushan", Kind: org.KindDepartment, Name: "雨山区卫生和计划生育委员会", OrgBody: "MB504007", Phone: "0555-0101007", Hours: hoursOffice},
	{Key: "dept-audit", Parent: "yushan", Kind: org.KindDepartment, Name: "雨山区审计局", OrgBody: "MB504008", Phone: "0555-0101008", Hours: hoursOffice},
	{Key: "dept-amr", Parent: "yushan", Kind: org.KindDepartment, Name: "雨山区市场监督管理局", OrgBody: "MB504009", Phone: "0555-0101009", Hours: hoursOffice},
	{Key: "dept-dcjx", Parent: "yushan", Kind: org.KindDepartment, Name: "雨山区督查绩效办", OrgBody: "MB504010", Phone: "0555-0101010", Hours: hoursOffice},
	{Key: "dept-legal", Parent: "yushan", Kind: org.KindDepartment, Name: "雨山区人民政府法制办公室", OrgBody: "MB504011", Phone: "0555-0101011", Hours: hoursOffice},
	{Key: "dept-police", Parent: "yushan", Kind: org.KindDepartment, Name: "马鞍山市公安局雨山分局", OrgBody: "MB504012", Phone: "0555-0101012", Hours: hoursOffice},
	{Key: "dept-ntax", Parent: "yushan", Kind: org.KindDepartment, Name: "马鞍山市雨山区国家税务局", OrgBody: "MB504013", Phone: "0555-0101013", Hours: hoursOffice},
	{Key: "dept-ltax", Parent: "yushan", Kind: org.KindDepartment, Name: "马鞍山市地方税务局雨山分局", OrgBody: "MB504014", Phone: "0555-0101014", Hours: hoursOffice},
	{Key: "dept-land", Parent: "yushan", Kind: org.KindDepartment, Name: "马鞍山市国土资源局雨山分局", OrgBody: "MB504015", Phone: "0555-0101015", Hours: hoursOffice},
	{Key: "dept-housing", Parent: "yushan", Kind: org.KindDepartment, Name: "雨山区住房和城乡建设委员会", OrgBody: "MB504016", Phone: "0555-0101016", Hours: hoursOffice},
	{Key: "dept-sci", Parent: "yushan", Kind: org.KindDepartment, Name: "雨山区科学技术局", OrgBody: "MB504017", Phone: "0555-0101017", Hours: hoursOffice},
	{Key: "dept-edu", Parent: "yushan", Kind: org.KindDepartment, Name: "雨山区教育局", OrgBody: "MB504018", Phone: "0555-0101018", Hours: hoursOffice},
	{Key: "dept-env", Parent: "yushan", Kind: org.KindDepartment, Name: "雨山区环境保护局", OrgBody: "MB504019", Phone: "0555-0101019", Hours: hoursOffice},
	{Key: "dept-agri", Parent: "yushan", Kind: org.KindDepartment, Name: "雨山区农业委员会", OrgBody: "MB504020", Phone: "0555-0101020", Hours: hoursOffice},
	{Key: "dept-commerce", Parent: "yushan", Kind: org.KindDepartment, Name: "雨山区商务局", OrgBody: "MB504021", Phone: "0555-0101021", Hours: hoursOffice},
	{Key: "dept-culture", Parent: "yushan", Kind: org.KindDepartment, Name: "雨山区文旅局", OrgBody: "MB504022", Phone: "0555-0101022", Hours: hoursOffice},
	{Key: "dept-stats", Parent: "yushan", Kind: org.KindDepartment, Name: "雨山区统计局", OrgBody: "MB504023", Phone: "0555-0101023", Hours: hoursOffice},
	{Key: "dept-urban", Parent: "yushan", Kind: org.KindDepartment, Name: "雨山区城管局", OrgBody: "MB504024", Phone: "0555-0101024", Hours: hoursOffice},
	{Key: "dept-archives", Parent: "yushan", Kind: org.KindDepartment, Name: "雨山区档案馆", OrgBody: "MB504025", Phone: "0555-0101025", Hours: hoursOffice},
	{Key: "dept-supervision", Parent: "yushan", Kind: org.KindDepartment, Name: "雨山区监察局", OrgBody: "MB504026", Phone: "0555-0101026", Hours: hoursOffice},
	{Key: "dept-secrecy", Parent: "yushan", Kind: org.KindDepartment, Name: "雨山区保密办", OrgBody: "MB504027", Phone: "0555-0101027", Hours: hoursOffice},

	// 平湖街道：340504001（已核实）。
	{Key: "pinghu", Parent: "yushan", Kind: org.KindStreet, Name: "平湖街道", RegionCode: "340504001000", Address: "安徽省马鞍山市雨山区平湖街道"},
	{Key: "pinghu-center", Parent: "pinghu", Kind: org.KindCenter, Name: "平湖街道为民服务中心", Address: "安徽省马鞍山市雨山区平湖街道办事处一楼便民服务大厅", Phone: "0555-0102001", Hours: hoursOffice},
	{Key: "pinghu-yicun", Parent: "pinghu", Kind: org.KindCommunity, Name: "一村社区", RegionCode: "340504001001", Address: "安徽省马鞍山市雨山区平湖街道一村社区"},
	{Key: "pinghu-yicun-agent", Parent: "pinghu-yicun", Kind: org.KindAgentPoint, Name: "一村社区为民服务代办点", Address: "雨山区平湖街道一村社区居民委员会", Phone: "0555-0103001", Hours: hoursAgent},
	{Key: "pinghu-mingqu", Parent: "pinghu", Kind: org.KindCommunity, Name: "明渠社区", RegionCode: "340504001003", Address: "安徽省马鞍山市雨山区平湖街道明渠社区"},
	{Key: "pinghu-mingqu-agent", Parent: "pinghu-mingqu", Kind: org.KindAgentPoint, Name: "明渠社区为民服务代办点", Address: "雨山区平湖街道明渠社区居民委员会", Phone: "0555-0103002", Hours: hoursAgent},
	{Key: "pinghu-huxi", Parent: "pinghu", Kind: org.KindCommunity, Name: "湖西社区", RegionCode: "340504001006", Address: "安徽省马鞍山市雨山区平湖街道湖西社区"},
	{Key: "pinghu-huxi-agent", Parent: "pinghu-huxi", Kind: org.KindAgentPoint, Name: "湖西社区为民服务代办点", Address: "雨山区平湖街道湖西社区居民委员会", Phone: "0555-0103003", Hours: hoursAgent},

	// 雨山街道：340504002（已核实）。
	{Key: "yushanjd", Parent: "yushan", Kind: org.KindStreet, Name: "雨山街道", RegionCode: "340504002000", Address: "安徽省马鞍山市雨山区雨山街道"},
	{Key: "yushanjd-center", Parent: "yushanjd", Kind: org.KindCenter, Name: "雨山街道为民服务中心", Address: "安徽省马鞍山市雨山区雨山街道办事处一楼便民服务大厅", Phone: "0555-0102002", Hours: hoursOffice},
	{Key: "yushanjd-hongqi", Parent: "yushanjd", Kind: org.KindCommunity, Name: "红旗社区", RegionCode: "340504002004", Address: "安徽省马鞍山市雨山区雨山街道红旗社区"},
	{Key: "yushanjd-hongqi-agent", Parent: "yushanjd-hongqi", Kind: org.KindAgentPoint, Name: "红旗社区为民服务代办点", Address: "雨山区雨山街道红旗社区居民委员会", Phone: "0555-0103004", Hours: hoursAgent},
	{Key: "yushanjd-cuihu", Parent: "yushanjd", Kind: org.KindCommunity, Name: "翠湖社区", RegionCode: "340504002009", Address: "安徽省马鞍山市雨山区雨山街道翠湖社区"},
	{Key: "yushanjd-cuihu-agent", Parent: "yushanjd-cuihu", Kind: org.KindAgentPoint, Name: "翠湖社区为民服务代办点", Address: "雨山区雨山街道翠湖社区居民委员会", Phone: "0555-0103005", Hours: hoursAgent},
	{Key: "yushanjd-shannan", Parent: "yushanjd", Kind: org.KindCommunity, Name: "山南社区", RegionCode: "340504002010", Address: "安徽省马鞍山市雨山区雨山街道山南社区"},
	{Key: "yushanjd-shannan-agent", Parent: "yushanjd-shannan", Kind: org.KindAgentPoint, Name: "山南社区为民服务代办点", Address: "雨山区雨山街道山南社区居民委员会", Phone: "0555-0103006", Hours: hoursAgent},

	// 安民街道：340504003（已核实）。
	{Key: "anmin", Parent: "yushan", Kind: org.KindStreet, Name: "安民街道", RegionCode: "340504003000", Address: "安徽省马鞍山市雨山区安民街道"},
	{Key: "anmin-center", Parent: "anmin", Kind: org.KindCenter, Name: "安民街道为民服务中心", Address: "安徽省马鞍山市雨山区安民街道办事处一楼便民服务大厅", Phone: "0555-0102003", Hours: hoursOffice},
	{Key: "anmin-huayuan", Parent: "anmin", Kind: org.KindCommunity, Name: "花园社区", RegionCode: "340504003003", Address: "安徽省马鞍山市雨山区安民街道花园社区"},
	{Key: "anmin-huayuan-agent", Parent: "anmin-huayuan", Kind: org.KindAgentPoint, Name: "花园社区为民服务代办点", Address: "雨山区安民街道花园社区居民委员会", Phone: "0555-0103007", Hours: hoursAgent},
	{Key: "anmin-queqiao", Parent: "anmin", Kind: org.KindCommunity, Name: "鹊桥社区", RegionCode: "340504003009", Address: "安徽省马鞍山市雨山区安民街道鹊桥社区"},
	{Key: "anmin-queqiao-agent", Parent: "anmin-queqiao", Kind: org.KindAgentPoint, Name: "鹊桥社区为民服务代办点", Address: "雨山区安民街道鹊桥社区居民委员会", Phone: "0555-0103008", Hours: hoursAgent},
	{Key: "anmin-wanda", Parent: "anmin", Kind: org.KindCommunity, Name: "万达社区", RegionCode: "340504003016", Address: "安徽省马鞍山市雨山区安民街道万达社区"},
	{Key: "anmin-wanda-agent", Parent: "anmin-wanda", Kind: org.KindAgentPoint, Name: "万达社区为民服务代办点", Address: "雨山区安民街道万达社区居民委员会", Phone: "0555-0103009", Hours: hoursAgent},

	// 采石街道：340504004（已核实）。
	{Key: "caishi", Parent: "yushan", Kind: org.KindStreet, Name: "采石街道", RegionCode: "340504004000", Address: "安徽省马鞍山市雨山区采石街道"},
	{Key: "caishi-center", Parent: "caishi", Kind: org.KindCenter, Name: "采石街道为民服务中心", Address: "安徽省马鞍山市雨山区采石街道办事处一楼便民服务大厅", Phone: "0555-0102004", Hours: hoursOffice},
	{Key: "caishi-niuzhu", Parent: "caishi", Kind: org.KindCommunity, Name: "牛渚社区", RegionCode: "340504004001", Address: "安徽省马鞍山市雨山区采石街道牛渚社区"},
	{Key: "caishi-niuzhu-agent", Parent: "caishi-niuzhu", Kind: org.KindAgentPoint, Name: "牛渚社区为民服务代办点", Address: "雨山区采石街道牛渚社区居民委员会", Phone: "0555-0103010", Hours: hoursAgent},
	{Key: "caishi-songshan", Parent: "caishi", Kind: org.KindVillage, Name: "宋山村", RegionCode: "340504004200", Address: "安徽省马鞍山市雨山区采石街道宋山村"},
	{Key: "caishi-songshan-agent", Parent: "caishi-songshan", Kind: org.KindAgentPoint, Name: "宋山村为民服务代办点", Address: "雨山区采石街道宋山村村民委员会", Phone: "0555-0103011", Hours: hoursAgent},
	{Key: "caishi-chenjia", Parent: "caishi", Kind: org.KindVillage, Name: "陈家村", RegionCode: "340504004203", Address: "安徽省马鞍山市雨山区采石街道陈家村"},
	{Key: "caishi-chenjia-agent", Parent: "caishi-chenjia", Kind: org.KindAgentPoint, Name: "陈家村为民服务代办点", Address: "雨山区采石街道陈家村村民委员会", Phone: "0555-0103012", Hours: hoursAgent},

	// 向山镇：340504100（已核实）。
	{Key: "xiangshan", Parent: "yushan", Kind: org.KindTown, Name: "向山镇", RegionCode: "340504100000", Address: "安徽省马鞍山市雨山区向山镇"},
	{Key: "xiangshan-center", Parent: "xiangshan", Kind: org.KindCenter, Name: "向山镇为民服务中心", Address: "安徽省马鞍山市雨山区向山镇人民政府一楼便民服务大厅", Phone: "0555-0102005", Hours: hoursOffice},
	{Key: "xiangshan-nanzhuang", Parent: "xiangshan", Kind: org.KindVillage, Name: "南庄村", RegionCode: "340504100202", Address: "安徽省马鞍山市雨山区向山镇南庄村"},
	{Key: "xiangshan-nanzhuang-agent", Parent: "xiangshan-nanzhuang", Kind: org.KindAgentPoint, Name: "南庄村为民服务代办点", Address: "雨山区向山镇南庄村村民委员会", Phone: "0555-0103013", Hours: hoursAgent},
	{Key: "xiangshan-luoxing", Parent: "xiangshan", Kind: org.KindVillage, Name: "落星村", RegionCode: "340504100201", Address: "安徽省马鞍山市雨山区向山镇落星村"},
	{Key: "xiangshan-luoxing-agent", Parent: "xiangshan-luoxing", Kind: org.KindAgentPoint, Name: "落星村为民服务代办点", Address: "雨山区向山镇落星村村民委员会", Phone: "0555-0103014", Hours: hoursAgent},
	{Key: "xiangshan-pingshan", Parent: "xiangshan", Kind: org.KindCommunity, Name: "平山社区", RegionCode: "340504100001", Address: "安徽省马鞍山市雨山区向山镇平山社区"},
	{Key: "xiangshan-pingshan-agent", Parent: "xiangshan-pingshan", Kind: org.KindAgentPoint, Name: "平山社区为民服务代办点", Address: "雨山区向山镇平山社区居民委员会", Phone: "0555-0103015", Hours: hoursAgent},

	// 银塘镇：340504101（已核实）。
	{Key: "yintang", Parent: "yushan", Kind: org.KindTown, Name: "银塘镇", RegionCode: "340504101000", Address: "安徽省马鞍山市雨山区银塘镇"},
	{Key: "yintang-center", Parent: "yintang", Kind: org.KindCenter, Name: "银塘镇为民服务中心", Address: "安徽省马鞍山市雨山区银塘镇人民政府一楼便民服务大厅", Phone: "0555-0102006", Hours: hoursOffice},
	{Key: "yintang-yintang", Parent: "yintang", Kind: org.KindCommunity, Name: "银塘社区", RegionCode: "340504101006", Address: "安徽省马鞍山市雨山区银塘镇银塘社区"},
	{Key: "yintang-yintang-agent", Parent: "yintang-yintang", Kind: org.KindAgentPoint, Name: "银塘社区为民服务代办点", Address: "雨山区银塘镇银塘社区居民委员会", Phone: "0555-0103016", Hours: hoursAgent},
	{Key: "yintang-zhangtang", Parent: "yintang", Kind: org.KindVillage, Name: "章塘村", RegionCode: "340504101207", Address: "安徽省马鞍山市雨山区银塘镇章塘村"},
	{Key: "yintang-zhangtang-agent", Parent: "yintang-zhangtang", Kind: org.KindAgentPoint, Name: "章塘村为民服务代办点", Address: "雨山区银塘镇章塘村村民委员会", Phone: "0555-0103017", Hours: hoursAgent},
	{Key: "yintang-daishan", Parent: "yintang", Kind: org.KindVillage, Name: "岱山村", RegionCode: "340504101208", Address: "安徽省马鞍山市雨山区银塘镇岱山村"},
	{Key: "yintang-daishan-agent", Parent: "yintang-daishan", Kind: org.KindAgentPoint, Name: "岱山村为民服务代办点", Address: "雨山区银塘镇岱山村村民委员会", Phone: "0555-0103018", Hours: hoursAgent},

	// 佳山乡：340504200（已核实）。
	{Key: "jiashan", Parent: "yushan", Kind: org.KindTownship, Name: "佳山乡", RegionCode: "340504200000", Address: "安徽省马鞍山市雨山区佳山乡"},
	{Key: "jiashan-center", Parent: "jiashan", Kind: org.KindCenter, Name: "佳山乡为民服务中心", Address: "安徽省马鞍山市雨山区佳山乡人民政府一楼便民服务大厅", Phone: "0555-0102007", Hours: hoursOffice},
	{Key: "jiashan-qianzhuang", Parent: "jiashan", Kind: org.KindVillage, Name: "前庄村", RegionCode: "340504200202", Address: "安徽省马鞍山市雨山区佳山乡前庄村"},
	{Key: "jiashan-qianzhuang-agent", Parent: "jiashan-qianzhuang", Kind: org.KindAgentPoint, Name: "前庄村为民服务代办点", Address: "雨山区佳山乡前庄村村民委员会", Phone: "0555-0103019", Hours: hoursAgent},
	{Key: "jiashan-taozhuang", Parent: "jiashan", Kind: org.KindVillage, Name: "陶庄村", RegionCode: "340504200213", Address: "安徽省马鞍山市雨山区佳山乡陶庄村"},
	{Key: "jiashan-taozhuang-agent", Parent: "jiashan-taozhuang", Kind: org.KindAgentPoint, Name: "陶庄村为民服务代办点", Address: "雨山区佳山乡陶庄村村民委员会", Phone: "0555-0103020", Hours: hoursAgent},
	{Key: "jiashan-yanghu", Parent: "jiashan", Kind: org.KindCommunity, Name: "阳湖社区", RegionCode: "340504200002", Address: "安徽省马鞍山市雨山区佳山乡阳湖社区"},
	{Key: "jiashan-yanghu-agent", Parent: "jiashan-yanghu", Kind: org.KindAgentPoint, Name: "阳湖社区为民服务代办点", Address: "雨山区佳山乡阳湖社区居民委员会", Phone: "0555-0103021", Hours: hoursAgent},

	// 雨山经济开发区：340504401（已核实）。
	{Key: "devzone", Parent: "yushan", Kind: org.KindDevZone, Name: "雨山经济开发区", RegionCode: "340504401000", Address: "安徽省马鞍山市雨山区雨山经济开发区"},
	{Key: "devzone-center", Parent: "devzone", Kind: org.KindCenter, Name: "雨山经济开发区为民服务中心", Address: "安徽省马鞍山市雨山区雨山经济开发区管理委员会一楼便民服务大厅", Phone: "0555-0102008", Hours: hoursOffice},
	{Key: "devzone-virtual", Parent: "devzone", Kind: org.KindCommunity, Name: "雨山经济开发区虚拟社区", RegionCode: "340504401498", Address: "安徽省马鞍山市雨山区雨山经济开发区虚拟社区"},
	{Key: "devzone-virtual-agent", Parent: "devzone-virtual", Kind: org.KindAgentPoint, Name: "雨山经济开发区虚拟社区为民服务代办点", Address: "雨山区雨山经济开发区管理委员会", Phone: "0555-0103022", Hours: hoursAgent},
}
