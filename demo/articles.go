package demo

import (
	"context"
	_ "embed"
	"fmt"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/org"
	"github.com/yushan-gov/yiwang/publicinfo"
)

// plan is the body of 雨政〔2017〕61号, the district's implementation plan,
// a public government document.
//
//go:embed plan.txt
var plan string

// ArticleStore is what loading the demo articles needs.
type ArticleStore interface {
	SaveArticle(ctx context.Context, a publicinfo.Article, e audit.Entry) error
}

// articles are the demo public information: the real plan, and notices
// written for the demo (marked as such where they are not real documents).
func articles() []publicinfo.Article {
	return []publicinfo.Article{
		{Kind: "policy", Title: "雨山区人民政府关于印发《雨山区加快推进“互联网+政务服务”工作实施方案》的通知",
			DocNumber: "雨政〔2017〕61号", Body: plan},
		{Kind: "interpretation", Title: "一图读懂：雨山区加快推进“互联网+政务服务”工作实施方案（演示）",
			Body: "本解读为演示内容，依据雨政〔2017〕61号整理。\n" +
				"目标：2018年5月底前，建成区、乡（镇）、村（社区）三级一体化网上政务服务平台，网上可办理率达到85%以上。\n" +
				"怎么办：政务服务事项“同一事项、同一标准、同一编码”，办事指南逐项列明申请材料，不得出现“其他材料”等兜底条款。\n" +
				"群众得到什么：一次登录、全网通办；材料一次告知；办件进度可查询可追溯；办结后可以评价。"},
		{Kind: "announcement", Title: "雨山区政务服务网试运行公告（演示）",
			Body: "雨山区政务服务网进入试运行。个人可用手机号和短信验证码注册登录，企业由法定代表人注册后授权经办人办理。\n" +
				"试运行期间如遇问题，请拨打 12345 政务服务便民热线，或到区政务服务中心咨询导办窗口反映。"},
		{Kind: "faq", Title: "注册时提示“身份证号校验位不正确”怎么办？",
			Body: "居民身份证号码的最后一位是校验码，由前17位计算得出。提示校验位不正确，通常是某一位数字输错了，请对照身份证逐位核对后重新输入；最后一位是X的，请输入字母X。"},
		{Kind: "channel", Title: "政务服务投诉举报渠道",
			Body: "12345 政务服务便民热线（24小时）。\n区政务服务中心咨询导办窗口（工作日办公时间）。\n在本网站“好差评”栏目对办件进行评价，差评将由责任单位限期整改并回访。"},
	}
}

// LoadArticles publishes the demo articles for the district government office.
func LoadArticles(ctx context.Context, st ArticleStore, clock yiwang.Clock, orgs map[string]org.Org) (int, error) {
	office, ok := orgs["dept-gov-office"]
	if !ok {
		return 0, fmt.Errorf("demo articles: org dept-gov-office missing")
	}
	now := clock.Now()
	for i, a := range articles() {
		a.ID, a.OrgID, a.Status, a.CreatedBy = yiwang.NewID(), office.ID, publicinfo.StatusPublished, "demo"
		a.CreatedAt, a.UpdatedAt = now, now
		a.PublishedAt = now.Add(-time.Duration(i) * time.Hour)
		if err := publicinfo.Validate(&a); err != nil {
			return 0, fmt.Errorf("demo article %s: %w", a.Title, err)
		}
		if err := st.SaveArticle(ctx, a, audit.New(yiwang.System("demo"), now, "info.publish", "info:"+a.ID, audit.ResultOK, a.Title)); err != nil {
			return 0, err
		}
	}
	return len(articles()), nil
}
