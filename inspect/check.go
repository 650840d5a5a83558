package inspect

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	mrand "math/rand/v2"
	"strings"
	"unicode/utf8"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/calendar"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/idcode"
)

// MaxDraw is the most cases one spot check draws.
const MaxDraw = 50

// DrawInput is what a supervisor asks of a spot check.
type DrawInput struct {
	OrgID    string
	From, To string // YYYY-MM-DD, inclusive: the period the cases were decided in
	N        int
}

// Pick draws n of pool indexes (0 … pool-1) at random from seed, in the
// order drawn: the same seed always draws the same ones. n above pool
// draws them all.
func Pick(pool, n int, seed uint64) []int {
	idx := make([]int, pool)
	for i := range idx {
		idx[i] = i
	}
	if n > pool {
		n = pool
	}
	r := mrand.New(mrand.NewPCG(seed, 0x9e3779b97f4a7c15))
	for i := 0; i < n; i++ { // partial Fisher–Yates
		j := i + r.IntN(pool-i)
		idx[i], idx[j] = idx[j], idx[i]
	}
	return idx[:n]
}

func newSeed() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return binary.BigEndian.Uint64(b[:])
}

// Draw makes a spot check: N of the org's decided applications (decided or
// delivered in the period, simulated ones and complaints left out), drawn
// at random and stored with the seed, so the draw is on record and never
// drawn again by a reload.
func (s *Service) Draw(ctx context.Context, actor yiwang.Actor, in DrawInput) (Check, error) {
	if err := supervisor(actor, "随机抽查"); err != nil {
		return Check{}, err
	}
	bad := map[string]string{}
	if in.N < 1 || in.N > MaxDraw {
		bad["n"] = fmt.Sprintf("抽查数量须为1至%d件", MaxDraw)
	}
	var orgName string
	if in.OrgID == "" {
		bad["org"] = "请选择被抽查的单位"
	} else if o, err := s.Orgs.Get(ctx, in.OrgID); err != nil {
		if yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
			return Check{}, err
		}
		bad["org"] = "所选单位不存在"
	} else {
		orgName = o.Name
	}
	from, ferr := calendar.ParseDate(strings.TrimSpace(in.From))
	to, terr := calendar.ParseDate(strings.TrimSpace(in.To))
	today := calendar.DateOf(s.Clock.Now())
	switch {
	case ferr != nil:
		bad["from"] = "请填写开始日期，例如 2026-01-01"
	case terr != nil:
		bad["to"] = "请填写结束日期，例如 2026-03-31"
	case to.Before(from):
		bad["to"] = "结束日期不能早于开始日期"
	case today.Before(from):
		bad["from"] = "开始日期不能晚于今天"
	}
	if err := yiwang.Invalid(bad); err != nil {
		return Check{}, err
	}
	pool, err := s.Store.DecidedCases(ctx, in.OrgID, from.Start(), to.AddDays(1).Start())
	if err != nil {
		return Check{}, err
	}
	if len(pool) == 0 {
		return Check{}, yiwang.Errorf(yiwang.ECONFLICT, "%s在%s至%s没有办结的办件，无法抽查", orgName, from, to)
	}
	now := s.Clock.Now()
	c := Check{ID: yiwang.NewID(), Kind: KindDraw, OrgID: in.OrgID, From: from.String(), To: to.String(),
		Requested: in.N, Pool: len(pool), Seed: newSeed(), State: CheckOpen, ByID: actor.AccountID, By: actor.Name,
		CreatedAt: now, Rev: 1}
	for i, k := range Pick(len(pool), in.N, c.Seed) {
		c.Items = append(c.Items, Item{Seq: i + 1, CaseID: pool[k].ID, CaseNo: pool[k].No, ItemName: pool[k].ItemName})
	}
	e := audit.New(actor, now, "inspect.draw", "check:"+c.ID, audit.ResultOK,
		fmt.Sprintf("%s %s至%s 办结 %d 件中随机抽取 %d 件（种子 %016x）", orgName, c.From, c.To, c.Pool, len(c.Items), c.Seed))
	if err := s.Store.CreateCheck(ctx, c, e); err != nil {
		return Check{}, err
	}
	return c, nil
}

// TestIdentity is who a simulated application is filed as: a test person
// the supervisor names, so that the org cannot tell it from any other.
type TestIdentity struct {
	Name, IDCard, Mobile string
}

// Simulate files a supervisor's test application (模拟办事) on the
// ordinary path, marked simulated: the applicant's account is the
// supervisor's own (they follow it under 我的办件, answer corrections and
// rate it), the name, ID number and mobile on it are the test identity
// given. The org works it like any other; no figure counts it. It opens a
// check of one case for the supervisor's findings.
func (s *Service) Simulate(ctx context.Context, actor yiwang.Actor, id TestIdentity, app casework.Application) (casework.Case, Check, error) {
	if err := supervisor(actor, "模拟办事"); err != nil {
		return casework.Case{}, Check{}, err
	}
	bad := map[string]string{}
	id.Name = strings.TrimSpace(id.Name)
	if n := utf8.RuneCountInString(id.Name); n < 2 || n > 20 || HasPersonalData(id.Name) {
		bad["sim.name"] = "请填写测试身份的姓名（2至20字）"
	}
	id.IDCard = idcode.NormalizeIDCard(id.IDCard)
	if idcode.IDCard(id.IDCard) != nil {
		bad["sim.idcard"] = "请填写有效的测试身份证号（18位，末位校验码正确）"
	}
	id.Mobile = idcode.NormalizeMobile(id.Mobile)
	if idcode.Mobile(id.Mobile) != nil {
		bad["sim.mobile"] = "请填写有效的11位手机号，办理进度短信会发到这个号码"
	}
	if err := yiwang.Invalid(bad); err != nil {
		return casework.Case{}, Check{}, err
	}
	app.Simulated = true
	c, err := s.Filer.Submit(ctx, actor, casework.Applicant{AccountID: actor.AccountID, Name: id.Name, Mobile: id.Mobile,
		IDCard: id.IDCard}, app)
	if err != nil {
		return casework.Case{}, Check{}, err
	}
	now := s.Clock.Now()
	day := calendar.DateOf(now).String()
	ck := Check{ID: yiwang.NewID(), Kind: KindSimulated, OrgID: c.OrgID, From: day, To: day, Requested: 1, Pool: 1,
		State: CheckOpen, ByID: actor.AccountID, By: actor.Name, CreatedAt: now, Rev: 1,
		Items: []Item{{Seq: 1, CaseID: c.ID, CaseNo: c.No, ItemName: c.ItemName}}}
	e := audit.New(actor, now, "inspect.simulate", "check:"+ck.ID, audit.ResultOK, "模拟办事 "+c.No+" "+c.ItemName)
	if err := s.Store.CreateCheck(ctx, ck, e); err != nil {
		return c, Check{}, err
	}
	return c, ck, nil
}

// Checks lists the spot checks and simulated applications.
func (s *Service) Checks(ctx context.Context, actor yiwang.Actor) ([]Check, error) {
	if err := supervisor(actor, "查看随机抽查"); err != nil {
		return nil, err
	}
	return s.Store.Checks(ctx, 200)
}

// Check returns one check.
func (s *Service) Check(ctx context.Context, actor yiwang.Actor, id string) (Check, error) {
	if err := supervisor(actor, "查看随机抽查"); err != nil {
		return Check{}, err
	}
	return s.Store.Check(ctx, id)
}

// CaseOf returns the case of a check's item, with its events, for the
// supervisor to look at before recording the finding.
func (s *Service) CaseOf(ctx context.Context, actor yiwang.Actor, id string, seq int) (Check, Item, casework.Case, []casework.Event, error) {
	c, err := s.Check(ctx, actor, id)
	if err != nil {
		return Check{}, Item{}, casework.Case{}, nil, err
	}
	if seq < 1 || seq > len(c.Items) {
		return Check{}, Item{}, casework.Case{}, nil, yiwang.Errorf(yiwang.ENOTFOUND, "该抽查没有第 %d 件", seq)
	}
	it := c.Items[seq-1]
	cs, err := s.Cases.Case(ctx, it.CaseID)
	if err != nil {
		return Check{}, Item{}, casework.Case{}, nil, err
	}
	evs, err := s.Cases.Events(ctx, it.CaseID)
	return c, it, cs, evs, err
}

// Finding records the finding on one case of a check, once; the check
// closes with its last finding.
func (s *Service) Finding(ctx context.Context, actor yiwang.Actor, id string, seq int, result, note string) (Check, error) {
	if err := supervisor(actor, "记录检查结果"); err != nil {
		return Check{}, err
	}
	// Two supervisors may record findings on different cases of one check
	// at once: the loser of the version race reloads and tries again (a
	// finding already recorded is then refused on reload).
	for try := 1; ; try++ {
		c, err := s.finding(ctx, actor, id, seq, result, note)
		if yiwang.ErrorCode(err) != yiwang.ECONFLICT || try == 10 {
			return c, err
		}
	}
}

func (s *Service) finding(ctx context.Context, actor yiwang.Actor, id string, seq int, result, note string) (Check, error) {
	c, err := s.Store.Check(ctx, id)
	if err != nil {
		return Check{}, err
	}
	if seq < 1 || seq > len(c.Items) {
		return Check{}, yiwang.Errorf(yiwang.ENOTFOUND, "该抽查没有第 %d 件", seq)
	}
	if c.State != CheckOpen {
		return Check{}, yiwang.Errorf(yiwang.ECONFLICT, "该检查已完成，结果不能再改")
	}
	it := c.Items[seq-1]
	if it.Result != "" {
		return Check{}, yiwang.Errorf(yiwang.ECONFLICT, "办件 %s 已记录检查结果", it.CaseNo)
	}
	bad := map[string]string{}
	if result != Pass && result != Fail {
		bad["result"] = "请选择“合格”或“不合格”"
	}
	note = strings.TrimSpace(note)
	n := utf8.RuneCountInString(note)
	switch {
	case n > 1000:
		bad["note"] = "检查意见不能超过1000字"
	case result == Fail && n < 4:
		bad["note"] = "不合格时请写明发现的问题（至少4个字）"
	}
	if err := yiwang.Invalid(bad); err != nil {
		return Check{}, err
	}
	now := s.Clock.Now()
	it.Result, it.Note, it.By, it.At = result, note, actor.Name, now
	c.Items[seq-1] = it
	if c.Done() == len(c.Items) {
		c.State, c.ClosedAt = CheckClosed, now
	}
	e := audit.New(actor, now, "inspect.finding", "check:"+c.ID, audit.ResultOK,
		fmt.Sprintf("%s %s：%s %s", KindName(c.Kind), it.CaseNo, ResultName(result), note))
	if err := s.Store.RecordFinding(ctx, c, it, e); err != nil {
		return Check{}, err
	}
	c.Rev++
	return c, nil
}
