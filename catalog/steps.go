package catalog

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/yushan-gov/yiwang"
)

// What a step of 办理流程 does when a case runs through it. Stored: never
// change a value.
const (
	StepAccept  = "accept"  // 受理: pre-review and acceptance, before the limit runs
	StepReview  = "review"  // 审查: one task for each org named, in parallel, joined before the next step
	StepDecide  = "decide"  // 决定: the implementing org decides
	StepCertify = "certify" // 制证: the licence or document is made (granted cases only)
	StepDeliver = "deliver" // 送达: the result is handed over
)

// StepKinds lists the step kinds with their names.
var StepKinds = []Code{{StepAccept, "受理"}, {StepReview, "审查"}, {StepDecide, "决定"}, {StepCertify, "制证"}, {StepDeliver, "送达"}}

// StepRoles are the roles a step may be given to.
var StepRoles = []Code{{string(yiwang.RoleCaseOfficer), "承办人"}, {string(yiwang.RoleDeptHead), "部门负责人"}}

// KindAt says what step i does. A step without a kind reviews, except a
// first step named for acceptance (申请受理, 受理并登记, 登记 …), which is the
// pre-review every case goes through, and steps named just 决定 (核准,
// 登记), 制证, or 送达 (发证, 发照, 颁证, 发放), which do that.
func (g Guide) KindAt(i int) string {
	s := g.Steps[i]
	if s.Kind != "" {
		return s.Kind
	}
	if i == 0 && (strings.Contains(s.Name, "受理") || s.Name == "登记" || s.Name == "申请") {
		return StepAccept
	}
	switch s.Name {
	case "决定", "核准", "登记", "审批决定", "作出决定":
		return StepDecide
	case "制证", "制发证照":
		return StepCertify
	case "送达", "发证", "发照", "颁证", "发放", "送达结果":
		return StepDeliver
	}
	return StepReview
}

// checkSteps checks the kinds, order, orgs and roles of the steps: at most
// one acceptance (first), one decision, one 制证 (after the decision) and
// one 送达 (last); reviews come before the decision; only reviews name orgs.
func checkSteps(p problems, g *Guide) {
	seen := map[string]int{}
	for i, s := range g.Steps {
		field := fmt.Sprintf("steps[%d]", i)
		if s.Kind != "" && !Valid(StepKinds, s.Kind) {
			p.add(field+".kind", "第%d个环节的类型不正确，应为受理、审查、决定、制证或送达", i+1)
			continue
		}
		if s.Role != "" && !Valid(StepRoles, s.Role) {
			p.add(field+".role", "第%d个环节只能交给承办人或部门负责人", i+1)
		}
		k := g.KindAt(i)
		if len(s.Orgs) > 0 && k != StepReview {
			p.add(field+".orgs", "第%d个环节（%s）由实施主体办理，只有审查环节可以指定会办部门", i+1, Name(StepKinds, k))
		}
		if len(s.Orgs) > 10 {
			p.add(field+".orgs", "第%d个环节的会办部门不能超过10个", i+1)
		}
		dup := map[string]bool{}
		for _, o := range s.Orgs {
			if dup[o] {
				p.add(field+".orgs", "第%d个环节重复列出了同一个部门", i+1)
			}
			dup[o] = true
		}
		if k != StepReview {
			if j, again := seen[k]; again {
				p.add(field+".kind", "第%d个环节与第%d个环节都是“%s”，每种环节只能有一个", i+1, j+1, Name(StepKinds, k))
			}
			seen[k] = i
		}
		switch {
		case k == StepAccept && i != 0:
			p.add(field+".kind", "受理环节只能是第一个环节")
		case k == StepReview && has(seen, StepDecide):
			p.add(field+".kind", "第%d个环节（审查）应在决定环节之前", i+1)
		case k == StepCertify && !has(seen, StepDecide) && hasKind(g, StepDecide):
			p.add(field+".kind", "制证环节应在决定环节之后")
		case k == StepDeliver && i != len(g.Steps)-1:
			p.add(field+".kind", "送达环节只能是最后一个环节")
		}
	}
}

func has(m map[string]int, k string) bool { _, ok := m[k]; return ok }

func hasKind(g *Guide, k string) bool {
	for i := range g.Steps {
		if g.KindAt(i) == k {
			return true
		}
	}
	return false
}

// StepLine writes a step as one line of the text formats (the edit form and
// the workbook): "name｜days", then "｜kind" and "｜org;org" when set; orgs
// are written by orgName (e.g. their credit codes).
func StepLine(s Step, orgName func(id string) string) string {
	l := s.Name + "｜" + strconv.Itoa(s.Days)
	if s.Kind == "" && len(s.Orgs) == 0 && s.Role == "" {
		return l
	}
	l += "｜" + Name(StepKinds, s.Kind)
	var names []string
	for _, id := range s.Orgs {
		names = append(names, orgName(id))
	}
	l += "｜" + strings.Join(names, "；")
	if s.Role != "" {
		l += "｜" + Name(StepRoles, s.Role)
	}
	return l
}

// ParseStepLine reads a line written by StepLine ("," and "，" also
// separate); orgID resolves an org as written, "" when unknown.
func ParseStepLine(l string, orgID func(string) string) (Step, error) {
	l = strings.NewReplacer("，", "｜", ",", "｜").Replace(strings.TrimSpace(l))
	parts := strings.Split(l, "｜")
	if len(parts) < 2 || len(parts) > 5 {
		return Step{}, fmt.Errorf("应写成“环节名称｜工作日数”，可再加“｜类型｜会办部门；会办部门｜负责角色”")
	}
	n, err := strconv.Atoi(strings.TrimSpace(parts[1]))
	if err != nil {
		return Step{}, fmt.Errorf("工作日数“%s”不是整数", strings.TrimSpace(parts[1]))
	}
	s := Step{Name: strings.TrimSpace(parts[0]), Days: n}
	if len(parts) > 2 {
		if k := strings.TrimSpace(parts[2]); k != "" {
			if s.Kind = codeOf(StepKinds, k); s.Kind == "" {
				return Step{}, fmt.Errorf("环节类型“%s”不正确，应为受理、审查、决定、制证或送达", k)
			}
		}
	}
	if len(parts) > 3 {
		for _, name := range strings.FieldsFunc(parts[3], func(r rune) bool { return r == '；' || r == ';' }) {
			name = strings.TrimSpace(name)
			id := orgID(name)
			if id == "" {
				return Step{}, fmt.Errorf("没有名为“%s”的部门", name)
			}
			s.Orgs = append(s.Orgs, id)
		}
	}
	if len(parts) > 4 {
		if r := strings.TrimSpace(parts[4]); r != "" {
			if s.Role = codeOf(StepRoles, r); s.Role == "" {
				return Step{}, fmt.Errorf("负责角色“%s”不正确，应为承办人或部门负责人", r)
			}
		}
	}
	return s, nil
}

// codeOf finds a code by its value or its name.
func codeOf(table []Code, v string) string {
	for _, c := range table {
		if c.Value == v || c.Name == v {
			return c.Value
		}
	}
	return ""
}

// checkStepOrgs refuses steps that name orgs that do not exist or are
// disabled.
func (s *Service) checkStepOrgs(ctx context.Context, en Entry) error {
	p := problems{}
	for i, st := range en.Guide.Steps {
		for _, id := range st.Orgs {
			o, err := s.Orgs.Get(ctx, id)
			if yiwang.ErrorCode(err) == yiwang.ENOTFOUND || (err == nil && o.Disabled) {
				p.add(fmt.Sprintf("steps[%d].orgs", i), "第%d个环节的会办部门不存在或已停用", i+1)
				continue
			}
			if err != nil {
				return err
			}
		}
	}
	return yiwang.Invalid(p)
}
