package casework_test

import (
	"testing"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestHeadAnswersLetter: a department head (部门负责人, no case handler
// role) may answer the letters of their department, so they read them too,
// before and after the reply; a head reads no application they have no
// task on, and no letter of another department.
func TestHeadAnswersLetter(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			head := e.staff(t, "head")
			if head.Has(yiwang.RoleCaseOfficer) || !head.Has(yiwang.RoleDeptHead) {
				t.Fatalf("demo head roles %v", head.Roles)
			}
			amr, mca := e.orgNamed(t, "雨山区市场监督管理局"), e.orgNamed(t, "雨山区民政局")
			mine, err := e.svc.FileLetter(e.ctx, e.citizen, e.applicant(), casework.Letter{Kind: casework.KindComplaint,
				OrgID: amr.ID, Subject: "餐馆油烟扰民", Text: "湖东路1号餐馆排油烟管道直冲居民楼，请处理。"})
			if err != nil {
				t.Fatal(err)
			}
			theirs, err := e.svc.FileLetter(e.ctx, e.citizen, e.applicant(), casework.Letter{Kind: casework.KindConsultation,
				OrgID: mca.ID, Subject: "低保申请条件", Text: "请问家庭人均收入多少以下可以申请最低生活保障？"})
			if err != nil {
				t.Fatal(err)
			}
			if !e.svc.MayAnswer(e.ctx, head, mine) || e.svc.MayAnswer(e.ctx, head, theirs) {
				t.Fatal("MayAnswer: the head's own department only")
			}
			if _, _, err := e.svc.Get(e.ctx, head, mine.ID); err != nil {
				t.Fatalf("the head cannot read a letter to answer: %v", err)
			}
			if _, _, err := e.svc.Get(e.ctx, head, theirs.ID); yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
				t.Fatalf("the head reads another department's letter: %v", err)
			}
			if _, err := e.svc.Reply(e.ctx, head, theirs.ID, "最低生活保障标准请咨询民政局窗口。"); yiwang.ErrorCode(err) != yiwang.EFORBIDDEN {
				t.Fatalf("the head answers another department's letter: %v", err)
			}
			if _, err := e.svc.Reply(e.ctx, head, mine.ID, "已责成执法大队现场检查，餐馆已加装油烟净化设备。"); err != nil {
				t.Fatal(err)
			}
			if c, _, err := e.svc.Get(e.ctx, head, mine.ID); err != nil || c.State != casework.StateDelivered {
				t.Fatalf("after the reply: %v %s", err, c.State)
			}
			app, err := e.svc.Submit(e.ctx, e.citizen, e.applicant(), casework.Application{EntryCode: e.food.Code,
				Materials: e.files(), Fields: answers()})
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := e.svc.Get(e.ctx, head, app.ID); yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
				t.Fatalf("the head reads an application without a task: %v", err)
			}
		})
	}
}

// TestLetterEntriesHidden: the hidden entries letters are filed under are
// in no catalog list, whatever status the list asks for (the staff list
// and its XLSX export take ?status= from the URL).
func TestLetterEntriesHidden(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			amr := e.orgNamed(t, "雨山区市场监督管理局")
			if _, err := e.svc.FileLetter(e.ctx, e.citizen, e.applicant(), casework.Letter{Kind: casework.KindSuggestion,
				OrgID: amr.ID, Subject: "延长窗口服务时间", Text: "建议周六上午开放综合窗口，方便上班族办事。"}); err != nil {
				t.Fatal(err)
			}
			for _, f := range []catalog.Filter{{}, {Statuses: []string{casework.StatusLetter}},
				{Statuses: []string{catalog.StatusPublished, casework.StatusLetter}}} {
				list, err := e.db.ListEntries(e.ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				for _, en := range list {
					if en.Status == casework.StatusLetter {
						t.Fatalf("%+v lists the letter entry %s", f, en.Code)
					}
				}
			}
		})
	}
}
