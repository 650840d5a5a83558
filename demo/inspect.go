package demo

import (
	"context"
	"fmt"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/calendar"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/inspect"
)

// InspectStore finds the demo staff.
type InspectStore interface {
	AccountByUsername(ctx context.Context, username string) (identity.Account, error)
}

// demoExposures are the problems on the demo's exposure column, each with
// its correction: written, corrected and published by the demo supervisor.
var demoExposures = []struct {
	staff      string // whose org it is about
	title      string
	problem    string
	correction string
}{
	{"officer", "个体工商户设立登记补正告知不完整，申请人多次补正",
		"随机抽查发现，区市场监督管理局办理的一件个体工商户设立登记申请，预审时仅告知补正经营场所证明，申请人补正后又被要求补充经营者照片，未做到一次性告知，申请人往返两次。",
		"区市场监督管理局已对承办人员进行提醒谈话，制定个体工商户设立登记补正告知清单，预审时逐项核对并一次性告知；该申请已于补正当日受理并办结。"},
	{"urban", "城市管理咨询电话工作时间无人接听",
		"模拟办事中，监察人员于工作日上午三次拨打区城市管理行政执法局公布的咨询电话，均无人接听，办事指南所列咨询渠道未能发挥作用。",
		"区城市管理行政执法局已调整值班安排，咨询电话工作时间专人值守并接入12345热线转接；本月复查拨打五次，均在三声内接听。"},
}

// LoadInspect fills the exposure column with two published problems and
// their corrections, and leaves one closed spot check of the demo
// officer's org. It runs after LoadCases.
func LoadInspect(ctx context.Context, st InspectStore, svc *inspect.Service) (int, error) {
	acc, err := st.AccountByUsername(ctx, "supervisor")
	if err != nil {
		return 0, err
	}
	sup := acc.Actor("127.0.0.1", "demo")
	n := 0
	for _, d := range demoExposures {
		staff, err := st.AccountByUsername(ctx, d.staff)
		if err != nil {
			return n, err
		}
		x, err := svc.CreateExposure(ctx, sup, inspect.ExposureInput{Title: d.title, OrgID: staff.OrgID, Problem: d.problem})
		if err != nil {
			return n, fmt.Errorf("demo exposure: %w", err)
		}
		if _, err := svc.Publish(ctx, sup, x.ID); err != nil {
			return n, err
		}
		if _, err := svc.Correct(ctx, sup, x.ID, d.correction); err != nil {
			return n, err
		}
		n++
	}
	officer, err := st.AccountByUsername(ctx, "officer")
	if err != nil {
		return n, err
	}
	today := calendar.DateOf(svc.Clock.Now())
	c, err := svc.Draw(ctx, sup, inspect.DrawInput{OrgID: officer.OrgID, From: today.AddDays(-90).String(), To: today.String(), N: 3})
	if yiwang.ErrorCode(err) == yiwang.ECONFLICT {
		return n, nil // no decided demo case to draw
	}
	if err != nil {
		return n, fmt.Errorf("demo spot check: %w", err)
	}
	for i, it := range c.Items {
		result, note := inspect.Pass, "材料齐全，在承诺时限内办结，决定书写明依据"
		if i == 1 {
			result, note = inspect.Fail, "受理后未在办事指南所列环节时限内完成审查，超时1个工作日"
		}
		if _, err := svc.Finding(ctx, sup, c.ID, it.Seq, result, note); err != nil {
			return n, fmt.Errorf("demo finding: %w", err)
		}
	}
	return n, nil
}
