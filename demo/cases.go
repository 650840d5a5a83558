package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/files"
	"github.com/yushan-gov/yiwang/identity"
)

// CaseStore is what loading the demo cases needs besides the services.
type CaseStore interface {
	AccountByUsername(ctx context.Context, username string) (identity.Account, error)
	CitizenByMobile(ctx context.Context, mobile string) (identity.Account, error)
	ListEntries(ctx context.Context, f catalog.Filter) ([]catalog.Entry, error)
	SaveBundle(ctx context.Context, b casework.Bundle, sort int, at time.Time, e audit.Entry) error
}

// samplePDF is the material every demo case hands in: a one-line PDF.
var samplePDF = []byte("%PDF-1.4\n% 演示材料：内容为示例，不是真实证件\n%%EOF\n")

// demoCase is one sample case: who files it, for which item, and how far it goes.
type demoCase struct {
	item    string
	channel string // casework.Channel*
	person  int    // index into People
	steps   []string
	by      string // the officer who works it, when not "officer"
	village bool   // a village item of the agent's own village
}

// demoCases cover every state and channel, most at 市场监管局 where the demo
// officer works, so the inbox and the tracker show a living system.
var demoCases = []demoCase{
	// 张三 gets his 营业执照 (an e-license in his wallet) first, so that his
	// 食品经营许可 application attaches it instead of an upload.
	{"个体工商户设立登记", casework.ChannelWeb, 0, []string{"accept", "review", "decide", "certify"}, "", false},
	{"食品经营许可", casework.ChannelWeb, 0, nil, "", false},
	{"个体工商户设立登记", casework.ChannelWeb, 1, []string{"correct"}, "", false},
	{"食品经营许可", casework.ChannelWindow, 2, []string{"accept"}, "", false},
	{"个体工商户设立登记", casework.ChannelAgent, 3, []string{"accept"}, "", false},
	{"食品经营许可", casework.ChannelWeb, 1, []string{"accept", "special"}, "", false},
	{"食品经营许可", casework.ChannelHome, 3, []string{"accept", "review", "decide", "certify", "deliver"}, "", false},
	{"个体工商户设立登记", casework.ChannelWeb, 1, []string{"refuse"}, "", false},
	{"个体工商户设立登记", casework.ChannelWeb, 0, []string{"withdraw"}, "", false},
	// Filed by the village agent at 南庄村, accepted by 向山镇: the 农业 and
	// 国土 departments now review it in parallel.
	{"农村村民宅基地审批", casework.ChannelAgent, 3, []string{"accept"}, "township", false},
	// A village item at 南庄村 itself, filed by its agent, waiting for pre-review.
	{"城乡居民基本养老保险待遇领取申请代办", casework.ChannelAgent, 3, nil, "township", true},
}

// LoadCases files the sample cases through the case engine, as the demo
// citizens, window clerk, agent clerk and officer would. It runs after Load.
func LoadCases(ctx context.Context, st CaseStore, svc *casework.Service, fs *files.Service) (int, error) {
	actor := func(username string) (yiwang.Actor, error) {
		a, err := st.AccountByUsername(ctx, username)
		return a.Actor("127.0.0.1", "demo"), err
	}
	officer, err := actor("officer")
	if err != nil {
		return 0, fmt.Errorf("demo cases: %w", err)
	}
	clerk, _ := actor("clerk")
	agent, _ := actor("agent")
	entries, err := st.ListEntries(ctx, catalog.Filter{Statuses: []string{catalog.StatusPublished}})
	if err != nil {
		return 0, err
	}
	type key struct{ org, name string }
	byName := map[key]catalog.Entry{}
	for _, en := range entries {
		byName[key{en.OrgID, en.Base.Name}] = en
	}
	if err := loadBundles(ctx, st, func(org, name string) string { return byName[key{org, name}].Code }, officer.OrgID); err != nil {
		return 0, err
	}
	for i, dc := range demoCases {
		officer := officer
		if dc.by != "" {
			if officer, err = actor(dc.by); err != nil {
				return i, fmt.Errorf("demo cases: %w", err)
			}
		}
		at := officer.OrgID
		if dc.village {
			o, err := svc.Orgs.Get(ctx, agent.OrgID)
			if err != nil {
				return i, err
			}
			at = o.ParentID
		}
		en, ok := byName[key{at, dc.item}]
		if !ok {
			return i, fmt.Errorf("demo cases: %s is not published by the officer's department", dc.item)
		}
		p := People[dc.person]
		who := casework.Applicant{Name: p.Name, Mobile: p.Mobile, IDCard: p.IDCard}
		filer := officer // replaced below by whoever files
		if p.Registered {
			acc, err := st.CitizenByMobile(ctx, p.Mobile)
			if err != nil {
				return i, err
			}
			who.AccountID, filer = acc.ID, acc.Actor("127.0.0.1", "demo")
		}
		pdf, err := fs.Put(ctx, filer, "申请材料（演示）.pdf", samplePDF, files.Material)
		if err != nil {
			return i, err
		}
		app := casework.Application{EntryCode: en.Code, Fields: demoAnswers(dc.item, p.Name)}
		held, err := svc.Attachable(ctx, en, who)
		if err != nil {
			return i, err
		}
		for j, m := range en.Guide.Materials {
			if _, ok := held[j]; !ok && m.Source != "department" && m.Required {
				app.Materials = append(app.Materials, casework.Material{Index: j, FileID: pdf.ID})
			}
		}
		var c casework.Case
		switch dc.channel {
		case casework.ChannelWeb:
			c, err = svc.Submit(ctx, filer, who, app)
		case casework.ChannelWindow:
			c, err = svc.FileFor(ctx, clerk, who, app)
		default:
			app.Channel = dc.channel
			c, err = svc.FileFor(ctx, agent, who, app)
		}
		if err != nil {
			return i, fmt.Errorf("demo case %d (%s): %w", i, dc.item, err)
		}
		for _, step := range dc.steps {
			switch step {
			case "correct":
				_, err = svc.RequestCorrection(ctx, officer, c.ID, []casework.Correction{
					{Material: app.Materials[0].Index, Condition: -1, Reason: "复印件不清晰，请重新上传"}})
			case "accept":
				_, err = svc.Accept(ctx, officer, c.ID)
			case "special":
				_, err = svc.StartSpecial(ctx, officer, c.ID, casework.SpecialOther, "需现场核查经营场所")
			case "review", "certify":
				err = doTasks(ctx, svc, officer, c.ID, step)
			case "decide":
				_, err = svc.Decide(ctx, officer, c.ID, casework.Granted, "材料齐全，符合法定条件")
			case "deliver":
				_, err = svc.Deliver(ctx, officer, c.ID, casework.Delivery{Method: casework.DeliverWindow})
			case "refuse":
				_, err = svc.Refuse(ctx, officer, c.ID, "申请事项不属于本部门职权范围", "《行政许可法》第三十二条第一款第（二）项")
			case "withdraw":
				_, err = svc.Withdraw(ctx, filer, c.ID)
			}
			if err != nil {
				return i, fmt.Errorf("demo case %d (%s) %s: %w", i, dc.item, step, err)
			}
		}
	}
	return len(demoCases), nil
}

// demoAnswers fills the application forms of the demo items.
func demoAnswers(item, name string) map[string]string {
	switch item {
	case "食品经营许可":
		return map[string]string{"applicant": name, "operator": "雨山区" + name + "小吃店", "premises": "雨山区湖东南路" + fmt.Sprint(len(name)*7) + "号",
			"format": "餐饮服务经营者", "items": "热食类食品制售", "online": "否"}
	case "个体工商户设立登记":
		return map[string]string{"operator": name, "shop": "雨山区" + name + "便利店", "premises": "雨山区佳山路" + fmt.Sprint(len(name)*3) + "号",
			"scope": "预包装食品零售；日用百货零售", "capital": "5", "form": "个人经营"}
	}
	return nil
}

// doTasks does the officer's open tasks of a kind on a case: reviews agree.
func doTasks(ctx context.Context, svc *casework.Service, officer yiwang.Actor, id, kind string) error {
	// Doing one stage's tasks may open the next stage's.
	for {
		c, _, err := svc.Get(ctx, officer, id)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(svc.MyTasks(ctx, officer, c), func(t casework.Task) bool { return t.Kind == kind })
		if i < 0 {
			return nil
		}
		t := svc.MyTasks(ctx, officer, c)[i]
		if _, err := svc.CompleteTask(ctx, officer, id, t.ID, casework.TaskWork{Opinion: casework.OpinionAgree,
			Note: "材料齐全，符合法定条件"}); err != nil {
			return err
		}
	}
}
