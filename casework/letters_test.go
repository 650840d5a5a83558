package casework_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/org"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

func (e *env) orgNamed(t *testing.T, name string) org.Org {
	t.Helper()
	all, err := (&org.Service{Store: e.db, Clock: e.clk}).Tree(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range all {
		if o.Name == name {
			return o
		}
	}
	t.Fatalf("no org %s", name)
	return org.Org{}
}

func (e *env) staff(t *testing.T, username string) yiwang.Actor {
	t.Helper()
	a, err := e.db.AccountByUsername(e.ctx, username)
	if err != nil {
		t.Fatal(err)
	}
	return a.Actor("127.0.0.1", "web")
}

// state is what bad input must leave unchanged: the letters, the audit
// log's length, the hidden entries.
func (e *env) state(t *testing.T) string {
	t.Helper()
	var n, a, en int
	for _, q := range []struct {
		sql string
		v   *int
	}{{`SELECT COUNT(*) FROM cases WHERE kind <> ''`, &n}, {`SELECT COUNT(*) FROM audit_log`, &a},
		{`SELECT COUNT(*) FROM catalog_entries WHERE status = 'letter'`, &en}} {
		if err := e.db.SQL().QueryRowContext(e.ctx, q.sql).Scan(q.v); err != nil {
			t.Fatal(err)
		}
	}
	var v int64
	_ = e.db.SQL().QueryRowContext(e.ctx, `SELECT COALESCE(SUM(version), 0) FROM cases`).Scan(&v)
	return fmt.Sprint(n, "/", a, "/", en, "/", v)
}

func TestLetters(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			amr, mca := e.orgNamed(t, "雨山区市场监督管理局"), e.orgNamed(t, "雨山区民政局")
			hotline := e.staff(t, "hotline")

			// The portal: a citizen complains to the 市场监管局. Monday 9 March
			// 2026 + 15 working days = Monday 30 March.
			c, err := e.svc.FileLetter(e.ctx, e.citizen, e.applicant(), casework.Letter{Kind: casework.KindComplaint,
				OrgID: amr.ID, Subject: "餐馆油烟扰民", Text: "湖东路1号餐馆排油烟管道直冲居民楼，晚上油烟很大，请处理。"})
			if err != nil {
				t.Fatalf("file: %v %v", err, yiwang.ErrorFields(err))
			}
			if !strings.HasPrefix(c.No, "12345TS20260309") || c.OrgID != amr.ID || c.State != casework.StateAccepted ||
				c.Kind != casework.KindComplaint || c.Channel != casework.ChannelWeb || c.Deadline != "2026-03-30" ||
				c.Due != "2026-03-30" || c.ItemName != "投诉：餐馆油烟扰民" {
				t.Fatalf("letter = %+v", c)
			}
			// A consultation is due sooner; the days are configurable.
			e.svc.LetterDays = map[string]int{casework.KindConsultation: 2}
			q, err := e.svc.FileLetter(e.ctx, e.citizen, e.applicant(), casework.Letter{Kind: casework.KindConsultation,
				OrgID: mca.ID, Subject: "低保申请条件", Text: "请问家庭人均收入多少以下可以申请最低生活保障？"})
			if err != nil || q.Deadline != "2026-03-11" || !strings.HasPrefix(q.No, "12345ZX") {
				t.Fatalf("consultation: %v %+v", err, q)
			}
			e.svc.LetterDays = nil
			// The hidden entry: one per kind, under the district, in no catalog list.
			en, err := e.db.Entry(e.ctx, c.EntryID)
			if err != nil || en.Status != casework.StatusLetter || en.Code != "12345TS" {
				t.Fatalf("entry %+v %v", en, err)
			}
			all, _ := e.db.ListEntries(e.ctx, catalog.Filter{})
			for _, x := range all {
				if x.Status == casework.StatusLetter {
					t.Fatalf("catalog list shows the letter entry %s", x.Code)
				}
			}
			// It is in 我的办件 and the public tracker, and in the department's inbox.
			mine, _ := e.svc.Mine(e.ctx, e.citizen)
			if len(mine) < 2 || mine[0].Kind == "" {
				t.Fatalf("mine = %+v", mine)
			}
			if _, _, err := e.svc.Track(e.ctx, c.No, "张三"); err != nil {
				t.Fatalf("track: %v", err)
			}
			inbox, _, err := e.svc.Inbox(e.ctx, e.officer, casework.InboxQuery{})
			if err != nil || !hasCase(inbox, c.ID) {
				t.Fatalf("inbox: %v", err)
			}

			// The hotline: a caller without an account, about the citizen's
			// food case — someone else's number is refused.
			food, err := e.svc.Submit(e.ctx, e.citizen, e.applicant(), casework.Application{EntryCode: e.food.Code,
				Materials: e.files(), Fields: answers()})
			if err != nil {
				t.Fatal(err)
			}
			caller := casework.Applicant{Name: "李四", Mobile: "13900001111"}
			before := e.state(t)
			for name, bad := range map[string]struct {
				actor yiwang.Actor
				who   casework.Applicant
				l     casework.Letter
				field string
			}{
				"kind":     {hotline, caller, casework.Letter{Kind: "praise", OrgID: amr.ID, Subject: "表扬", Text: "工作人员态度很好很好很好"}, "kind"},
				"no org":   {hotline, caller, casework.Letter{Kind: casework.KindComplaint, Subject: "噪音", Text: "夜间施工噪音很大很大很大"}, "org"},
				"window":   {hotline, caller, casework.Letter{Kind: casework.KindComplaint, OrgID: e.orgNamed(t, "综合受理窗口1号").ID, Subject: "噪音", Text: "夜间施工噪音很大很大很大"}, "org"},
				"short":    {hotline, caller, casework.Letter{Kind: casework.KindComplaint, OrgID: amr.ID, Subject: "噪", Text: "太吵"}, "text"},
				"mobile":   {hotline, casework.Applicant{Name: "李四", Mobile: "123"}, casework.Letter{Kind: casework.KindComplaint, OrgID: amr.ID, Subject: "噪音", Text: "夜间施工噪音很大很大很大"}, "mobile"},
				"idcard":   {hotline, casework.Applicant{Name: "李四", Mobile: "13900001111", IDCard: "340504199001011234"}, casework.Letter{Kind: casework.KindComplaint, OrgID: amr.ID, Subject: "噪音", Text: "夜间施工噪音很大很大很大"}, "idcard"},
				"not his":  {hotline, caller, casework.Letter{Kind: casework.KindComplaint, About: food.No, Subject: "审批太慢", Text: "食品经营许可办了很久还没办好"}, "about"},
				"officer":  {e.officer, caller, casework.Letter{Kind: casework.KindComplaint, OrgID: amr.ID, Subject: "噪音", Text: "夜间施工噪音很大很大很大"}, ""},
				"for else": {e.citizen, caller, casework.Letter{Kind: casework.KindComplaint, OrgID: amr.ID, Subject: "噪音", Text: "夜间施工噪音很大很大很大"}, ""},
			} {
				_, err := e.svc.FileLetter(e.ctx, bad.actor, bad.who, bad.l)
				if bad.field == "" {
					if yiwang.ErrorCode(err) != yiwang.EFORBIDDEN {
						t.Errorf("%s: %v", name, err)
					}
				} else if yiwang.ErrorFields(err)[bad.field] == "" {
					t.Errorf("%s: %v %v", name, err, yiwang.ErrorFields(err))
				}
			}
			if after := e.state(t); after != before {
				t.Fatalf("bad input changed something: %s → %s", before, after)
			}
			// The citizen's own case routes the letter to its org.
			zhang := casework.Applicant{Name: "张三", Mobile: demo.People[0].Mobile, AccountID: e.citizen.AccountID}
			h, err := e.svc.FileLetter(e.ctx, hotline, zhang, casework.Letter{Kind: casework.KindSuggestion, About: food.No,
				Subject: "材料能否网上核验", Text: "建议营业执照由系统共享核验，不要再上传扫描件。"})
			if err != nil {
				t.Fatalf("hotline: %v %v", err, yiwang.ErrorFields(err))
			}
			if h.OrgID != food.OrgID || h.Channel != casework.ChannelPhone || h.FiledBy != hotline.AccountID || h.Form["about"] != food.No {
				t.Fatalf("hotline letter = %+v", h)
			}

			// Forward: only the department's own, to an answering org, with a reason.
			if _, err := e.svc.Forward(e.ctx, e.other, c.ID, mca.ID, "不属于本单位职责"); yiwang.ErrorCode(err) != yiwang.EFORBIDDEN {
				t.Fatalf("forward by another org: %v", err)
			}
			before = e.state(t)
			if _, err := e.svc.Forward(e.ctx, e.officer, c.ID, amr.ID, "不属于本单位职责"); yiwang.ErrorFields(err)["org"] == "" {
				t.Fatalf("forward to itself: %v", err)
			}
			if _, err := e.svc.Forward(e.ctx, e.officer, c.ID, mca.ID, "转"); yiwang.ErrorFields(err)["reason"] == "" {
				t.Fatalf("forward without reason: %v", err)
			}
			if _, err := e.svc.Reply(e.ctx, e.officer, c.ID, "已处理"); yiwang.ErrorFields(err)["reply"] == "" {
				t.Fatalf("short reply: %v", err)
			}
			if _, err := e.svc.Reply(e.ctx, e.officer, food.ID, "这不是一封信件，不能答复答复答复"); yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
				t.Fatalf("reply to an application: %v", err)
			}
			// The application steps do not apply to a letter.
			if _, err := e.svc.Decide(e.ctx, e.officer, c.ID, casework.Granted, "准予"); yiwang.ErrorCode(err) != yiwang.ECONFLICT {
				t.Fatalf("decide a letter: %v", err)
			}
			if _, err := e.svc.StartSpecial(e.ctx, e.officer, c.ID, casework.SpecialExtension, "延长答复期限"); yiwang.ErrorCode(err) != yiwang.ECONFLICT {
				t.Fatalf("special procedure on a letter: %v", err)
			}
			if after := e.state(t); after != before {
				t.Fatalf("bad input changed something: %s → %s", before, after)
			}
			f, err := e.svc.Forward(e.ctx, e.officer, c.ID, mca.ID, "油烟问题由民政局牵头处理（测试）")
			if err != nil || f.OrgID != mca.ID || f.Deadline != c.Deadline {
				t.Fatalf("forward: %v %+v", err, f)
			}
			stored, _ := e.db.Case(e.ctx, c.ID)
			if stored.OrgID != mca.ID {
				t.Fatalf("stored org %s", stored.OrgID)
			}
			if _, err := e.svc.Reply(e.ctx, e.officer, c.ID, "已责成餐馆加装油烟净化设备，复查合格。"); yiwang.ErrorCode(err) != yiwang.EFORBIDDEN {
				t.Fatalf("reply after forward by the old org: %v", err)
			}

			// Reply: closes it, tells the complainant, events and audit kept.
			e.clk.Advance(48 * time.Hour)
			r, err := e.svc.Reply(e.ctx, e.other, c.ID, "经现场检查，已责成餐馆加装油烟净化设备，复查合格。")
			if err != nil {
				t.Fatal(err)
			}
			if r.State != casework.StateDelivered || r.Decision != casework.Replied || casework.ReplyOf(r) == "" || r.Due != "9999-12-31" {
				t.Fatalf("replied = %+v", r)
			}
			if _, err := e.svc.Reply(e.ctx, e.other, c.ID, "再答复一次再答复一次再答复一次"); yiwang.ErrorCode(err) != yiwang.ECONFLICT {
				t.Fatalf("second reply: %v", err)
			}
			_, evs, err := e.svc.Get(e.ctx, e.citizen, c.ID)
			if err != nil || len(evs) != 3 || evs[1].Kind != "forward" || evs[2].Kind != "reply" || !strings.Contains(evs[2].Note, "油烟净化") {
				t.Fatalf("events %v %+v", err, evs)
			}
			var msgs int
			if err := e.db.SQL().QueryRowContext(e.ctx, `SELECT COUNT(*) FROM messages WHERE account_id = $1 AND link = $2`,
				e.citizen.AccountID, "/cases/"+c.ID).Scan(&msgs); err != nil || msgs != 3 {
				t.Fatalf("messages %d %v", msgs, err)
			}
			if rep, err := audit.Verify(e.ctx, e.db); err != nil || !rep.OK() {
				t.Fatalf("audit chain: %v %s", err, rep)
			}
		})
	}
}

func hasCase(cs []casework.Case, id string) bool {
	for _, c := range cs {
		if c.ID == id {
			return true
		}
	}
	return false
}
