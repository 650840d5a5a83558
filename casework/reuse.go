package casework

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/idcode"
	"github.com/yushan-gov/yiwang/license"
)

// Licenses issues the e-license of a granted case and finds the licenses
// an applicant holds; license.Service is one.
type Licenses interface {
	Prepare(ctx context.Context, r license.Request) (*license.Issuing, error)
	ValidHeld(ctx context.Context, h license.Holder, typeName string) (license.License, bool, error)
}

// ReuseStore keeps the materials clerks verified, per holder.
type ReuseStore interface {
	// ReusableMaterials returns a holder's verified materials by name.
	ReusableMaterials(ctx context.Context, holder string) (map[string]Reusable, error)
}

// holderOf is whom an applicant's licenses and materials belong to. The ID
// number is normalized as cases store it (a window clerk may type it with
// spaces or a lower-case x).
func holderOf(who Applicant) license.Holder {
	return license.Holder{AccountID: who.AccountID, Name: who.Name, IDCard: idcode.NormalizeIDCard(who.IDCard), EnterpriseID: who.Enterprise}
}

func (who Applicant) holderKey() string {
	return Case{Enterprise: who.Enterprise, IDCard: idcode.NormalizeIDCard(who.IDCard)}.HolderKey()
}

// Attachable finds, for each material of the entry, what the platform
// already holds for the applicant and so never asks for: a valid e-license
// of the type the material names (免提交, credibility A), or a material a
// clerk verified in an earlier case (材料复用, credibility B).
func (s *Service) Attachable(ctx context.Context, en catalog.Entry, who Applicant) (map[int]Material, error) {
	return s.attachable(ctx, en, who, false, nil)
}

// SharedForAnyone lists the materials of the entry no applicant hands in
// whoever they are (what the national library shares): the form of a
// simulated application (模拟办事) asks for the rest.
func (s *Service) SharedForAnyone(ctx context.Context, en catalog.Entry) (map[int]bool, error) {
	auto, err := s.attachable(ctx, en, Applicant{IDCard: "-"}, true, nil)
	out := map[int]bool{}
	for i := range auto {
		out[i] = true
	}
	return out, err
}

// attachable is Attachable; for a test identity (模拟办事) it looks up
// nothing the person holds: a license of a type the platform issues is not
// held, and no verified material is reused, while what the national
// library shares for everyone is shared as for any applicant.
//
// Materials in given (indexes the applicant handed a file in for, which
// take the place of anything attached) are not looked up: an application
// that hands in every material it could reuse reads no verified materials.
func (s *Service) attachable(ctx context.Context, en catalog.Entry, who Applicant, test bool, given map[int]bool) (map[int]Material, error) {
	out := map[int]Material{}
	var reusable map[string]Reusable
	if rs, ok := s.Store.(ReuseStore); ok && who.holderKey() != "" && !test && mayReuse(en, given) {
		var err error
		if reusable, err = rs.ReusableMaterials(ctx, who.holderKey()); err != nil {
			return nil, err
		}
	}
	for i, gm := range en.Guide.Materials {
		if given[i] {
			continue
		}
		switch {
		case gm.Source == "license":
			shared := Material{Index: i, Name: gm.Name, Note: "由电子证照库共享获取，无需提交"}
			if s.Licenses == nil || gm.License == "" || holderOf(who).IDCard == "" && who.Enterprise == "" {
				out[i] = shared
				continue
			}
			h := holderOf(who)
			if test {
				h = license.Holder{} // only asks whether the platform issues the type
			}
			l, ok, err := s.Licenses.ValidHeld(ctx, h, gm.License)
			switch {
			case test && yiwang.ErrorCode(err) == yiwang.EINVALID:
				// A type the platform issues, never held by a test identity.
			case yiwang.ErrorCode(err) == yiwang.ENOTFOUND:
				// Not a type this platform issues: the national library's.
				out[i] = shared
			case err != nil:
				return nil, err
			case ok:
				out[i] = Material{Index: i, Name: gm.Name, License: l.ID, Credibility: CredLicense,
					Note: "电子证照免提交：" + l.TypeName + "（证照标识 " + l.ID + "）"}
			}
		case gm.Source == "applicant":
			if r, ok := reusable[gm.Name]; ok {
				out[i] = Material{Index: i, Name: gm.Name, FileID: r.FileID, Credibility: CredVerified, From: r.CaseID,
					Note: "复用已核验材料（" + r.VerifiedAt.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02") + " 核验）"}
			}
		}
	}
	return out, nil
}

// mayReuse reports whether a material of en that the applicant hands in
// could be one verified before: one of theirs with no file given.
func mayReuse(en catalog.Entry, given map[int]bool) bool {
	for i, gm := range en.Guide.Materials {
		if gm.Source == "applicant" && !given[i] {
			return true
		}
	}
	return false
}

// DocumentName is the name of the result document type a decision of an
// item issues: 准予/不予行政许可决定书 for permits, 准予/不予办理决定书
// otherwise.
func DocumentName(itemType, decision string) string {
	words := map[string]string{Granted: "准予", Denied: "不予"}[decision]
	if itemType == "01" {
		return words + "行政许可决定书"
	}
	return words + "办理决定书"
}

// certify signs what a decision issues, in the decision's own transaction:
// the result document (决定书) of every decision whose document type the
// platform has, and for a granted case whose result is an e-license, the
// license itself — the 制证 step done by the platform. It returns the
// words for the timeline, "" when nothing was issued.
func (s *Service) certify(ctx context.Context, actor yiwang.Actor, c *Case, plan []Stage, note string, now time.Time) (string, error) {
	if s.Licenses == nil {
		return "", nil
	}
	en, err := s.Catalog.Get(ctx, c.EntryID)
	if err != nil {
		return "", err
	}
	req := license.Request{CaseID: c.ID, CaseNo: c.No, ItemName: c.ItemName, OrgID: c.OrgID, Form: c.Form, Actor: actor,
		Decision: map[string]string{Granted: "准予", Denied: "不予"}[c.Decision], Note: note,
		Holder: license.Holder{AccountID: c.ApplicantID, Name: c.Applicant, IDCard: c.IDCard, EnterpriseID: c.Enterprise}}
	var words []string
	issue := func(typeName string) (*license.Issuing, error) {
		req.TypeName = typeName
		iss, err := s.Licenses.Prepare(ctx, req)
		if yiwang.ErrorCode(err) == yiwang.EINVALID {
			// A setup problem (no credit code, no ID number): staff make
			// the document by hand, as without e-licenses.
			words = append(words, "“"+typeName+"”未能自动签发（"+yiwang.ErrorMessage(err)+"）")
			return nil, nil
		}
		if err != nil || iss == nil {
			return nil, err
		}
		c.Issued = append(c.Issued, iss)
		l := iss.License
		c.Results = append(c.Results, Material{Index: len(c.Results), Name: l.TypeName, License: l.ID,
			Credibility: CredLicense, Note: "电子签章文书"})
		// The identifiers are in the results; these words also go by SMS.
		words = append(words, "“"+l.TypeName+"”已签章发放")
		return iss, nil
	}
	if _, err := issue(DocumentName(en.Base.Type, c.Decision)); err != nil {
		return "", err
	}
	if c.Decision == Granted && en.Guide.ResultKind == "elicense" && en.Guide.ResultName != "" {
		before := len(words)
		iss, err := issue(en.Guide.ResultName)
		if err != nil {
			return "", err
		}
		if iss != nil {
			c.Results[len(c.Results)-1].Note = "电子证照"
			system := yiwang.Actor{Name: "系统自动签发"}
			if finish(c, catalog.StepCertify, system, "", "电子证照 "+iss.License.ID, now) {
				s.next(c, plan, now)
			}
		} else if len(words) > before { // it failed: 制证 stays with the officer
			words[len(words)-1] += "，请在“制证”环节办理"
		}
	}
	if len(c.Issued) > 0 {
		words = append(words, "可在“我的证照”查看下载")
	}
	return strings.Join(words, "，"), nil
}

// VerifyMaterials records that a clerk checked materials of a case against
// the originals (credibility B); the holder's later cases reuse them and
// never ask for them again (材料复用).
func (s *Service) VerifyMaterials(ctx context.Context, actor yiwang.Actor, id string, indexes []int) (Case, error) {
	c, err := s.Store.Case(ctx, id)
	if err != nil {
		return Case{}, err
	}
	if err := s.mayHandle(ctx, actor, c.OrgID); err != nil {
		return Case{}, err
	}
	if c.State != StateSubmitted && c.State != StateAccepted {
		return Case{}, yiwang.Errorf(yiwang.ECONFLICT, "该办件当前状态为“%s”，不能核验材料", StateName(c.State))
	}
	if len(indexes) == 0 {
		return Case{}, yiwang.Invalid(map[string]string{"materials": "请选择已核验原件的材料"})
	}
	holder := c.HolderKey()
	if c.Simulated {
		// 模拟办事: the test identity may be a real person's; what the clerk
		// checked is marked on the case but never reused for that person.
		holder = ""
	}
	now := s.Clock.Now()
	var names []string
	for _, ix := range indexes {
		k := slices.IndexFunc(c.Materials, func(m Material) bool { return m.Index == ix })
		if k < 0 || c.Materials[k].FileID == "" {
			return Case{}, yiwang.Invalid(map[string]string{"materials": "只能核验已上传的材料"})
		}
		m := &c.Materials[k]
		if m.Credibility != "" {
			continue
		}
		m.Credibility = CredVerified
		names = append(names, m.Name)
		if holder != "" {
			c.Verified = append(c.Verified, Reusable{Holder: holder, Name: m.Name, FileID: m.FileID, CaseID: c.ID,
				VerifiedBy: actor.Name, VerifiedAt: now})
		}
	}
	if len(names) == 0 {
		return Case{}, yiwang.Errorf(yiwang.ECONFLICT, "所选材料已经核验过了")
	}
	return s.record(ctx, actor, c, "verify", "核验原件："+strings.Join(names, "、"), "")
}
