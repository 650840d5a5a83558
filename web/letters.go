package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/org"
	"github.com/yushan-gov/yiwang/review"
)

// Letters (投诉、咨询、建议): a citizen or enterprise user files one on the
// portal (/letters/new), a 12345 hotline operator types one in for a caller
// (/hotline); the department sees it in its inbox and forwards or replies
// on the case page; the complainant rates the reply. The rules are in
// casework/letters.go.

func init() {
	funcs["stateWords"] = casework.StateWords
	// letterEvent names the events of a letter's timeline.
	funcs["letterEvent"] = func(k string) string {
		return map[string]string{"submit": "登记", "forward": "转办", "reply": "答复", "withdraw": "撤回"}[k]
	}
}

// letterRoutes adds the letter pages; called from routes.
func (s *Server) letterRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /letters/new", s.h(s.letterNewPage))
	mux.HandleFunc("POST /letters/new", s.h(s.letterNew))
	mux.HandleFunc("GET /hotline", s.h(s.hotlinePage))
	mux.HandleFunc("POST /hotline", s.h(s.hotlineFile))
	mux.HandleFunc("POST /letters/{id}/reply", s.h(s.letterReply))
	mux.HandleFunc("POST /letters/{id}/forward", s.h(s.letterForward))
	mux.HandleFunc("POST /letters/{id}/rate", s.h(s.letterRate))
}

// orgGroup is one <optgroup> of the departments that answer letters.
type orgGroup struct {
	Label string
	Orgs  []org.Org
}

type letterFormView struct {
	Page
	Kinds   []casework.LetterKind
	Groups  []orgGroup
	Mine    []casework.Case // the portal: the user's own applications, for "about"
	Form    Form
	Hotline bool
	// Recent are the operator's latest letters, with OrgNames to name
	// where each went.
	Recent   []casework.Case
	OrgNames map[string]string
}

// letterKinds are the kinds with the working days they give, as configured.
func (s *Server) letterKinds() []casework.LetterKind {
	out := make([]casework.LetterKind, len(casework.LetterKinds))
	for i, k := range casework.LetterKinds {
		if d := s.Cases.LetterDays[k.Kind]; d > 0 {
			k.Days = d
		}
		out[i] = k
	}
	return out
}

// answeringGroups lists the orgs letters may go to: the district's
// departments, then the townships and streets.
func (s *Server) answeringGroups(ctx context.Context) ([]orgGroup, error) {
	all, err := s.Orgs.Tree(ctx)
	if err != nil {
		return nil, err
	}
	kinds := map[string]org.Kind{}
	for _, o := range all {
		kinds[o.ID] = o.Kind
	}
	depts, towns := orgGroup{Label: "区直部门"}, orgGroup{Label: "镇、街道"}
	for _, o := range all {
		switch {
		case o.Disabled:
		case o.Kind == org.KindDepartment && kinds[o.ParentID] == org.KindDistrict:
			depts.Orgs = append(depts.Orgs, o)
		case o.Kind == org.KindTown || o.Kind == org.KindTownship || o.Kind == org.KindStreet || o.Kind == org.KindDevZone:
			towns.Orgs = append(towns.Orgs, o)
		}
	}
	return []orgGroup{depts, towns}, nil
}

var letterFields = []string{"kind", "org", "about", "subject", "text"}

func (s *Server) letterFormView(r *http.Request, title string, hotline bool) (*letterFormView, error) {
	groups, err := s.answeringGroups(r.Context())
	if err != nil {
		return nil, err
	}
	fields := letterFields
	if hotline {
		fields = append([]string{"name", "mobile", "idcard"}, letterFields...)
	}
	v := &letterFormView{Page: s.page(r, title), Kinds: s.letterKinds(), Groups: groups, Hotline: hotline,
		Form: newForm(r, fields...)}
	if !hotline {
		v.Nav = "letters"
	}
	if v.Form.Values["kind"] == "" {
		v.Form.Values["kind"] = r.URL.Query().Get("kind")
	}
	if v.Form.Values["about"] == "" {
		v.Form.Values["about"] = r.URL.Query().Get("about")
	}
	return v, nil
}

// citizen returns the logged-in citizen or enterprise user.
func citizen(r *http.Request) (yiwang.Actor, error) {
	actor, err := requireLogin(r)
	if err == nil && actor.Kind == yiwang.KindStaff {
		err = yiwang.Errorf(yiwang.EFORBIDDEN, "工作人员请通过12345热线登记页面为来电群众登记")
	}
	return actor, err
}

func (s *Server) letterNewView(r *http.Request) (*letterFormView, yiwang.Actor, error) {
	actor, err := citizen(r)
	if err != nil {
		return nil, actor, err
	}
	v, err := s.letterFormView(r, "投诉、咨询、建议", false)
	if err != nil {
		return nil, actor, err
	}
	mine, err := s.Cases.Mine(r.Context(), actor)
	if err != nil {
		return nil, actor, err
	}
	for _, c := range mine {
		if c.Kind == "" {
			v.Mine = append(v.Mine, c)
		}
	}
	return v, actor, nil
}

func (s *Server) letterNewPage(w http.ResponseWriter, r *http.Request) error {
	v, _, err := s.letterNewView(r)
	if err != nil {
		return err
	}
	s.render(w, r, "letter_new", v)
	return nil
}

func (s *Server) letterNew(w http.ResponseWriter, r *http.Request) error {
	v, actor, err := s.letterNewView(r)
	if err != nil {
		return err
	}
	a, err := s.Identity.Get(r.Context(), actor.AccountID)
	if err != nil {
		return err
	}
	who := casework.Applicant{AccountID: a.ID, Name: a.Name, Mobile: a.Mobile, IDCard: a.IDCard, Enterprise: actor.EnterpriseID}
	return s.fileLetter(w, r, v, actor, who, "letter_new")
}

// fileLetter files the letter of the form, or shows the form again with
// what is wrong.
func (s *Server) fileLetter(w http.ResponseWriter, r *http.Request, v *letterFormView, actor yiwang.Actor, who casework.Applicant, page string) error {
	f := v.Form.Values
	c, err := s.Cases.FileLetter(r.Context(), actor, who, casework.Letter{Kind: f["kind"], OrgID: f["org"],
		About: f["about"], Subject: f["subject"], Text: f["text"]})
	if err != nil {
		if status(err) == http.StatusInternalServerError {
			return err
		}
		v.Form.Fail(err)
		w.WriteHeader(status(err))
		s.render(w, r, page, v)
		return nil
	}
	o, _ := s.Orgs.Get(r.Context(), c.OrgID)
	s.Sessions.Put(r.Context(), sessFlash, "已登记，编号 "+c.No+"，已转"+o.Name+"办理，将于 "+c.Deadline+" 前答复")
	http.Redirect(w, r, "/cases/"+c.ID, http.StatusSeeOther)
	return nil
}

func (s *Server) hotlinePage(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireRole(r, yiwang.RoleHotlineOperator)
	if err != nil {
		return err
	}
	v, err := s.letterFormView(r, "12345热线登记", true)
	if err != nil {
		return err
	}
	if v.Recent, err = s.Cases.FiledLetters(r.Context(), actor, 20); err != nil {
		return err
	}
	v.OrgNames = map[string]string{}
	for _, g := range v.Groups {
		for _, o := range g.Orgs {
			v.OrgNames[o.ID] = o.Name
		}
	}
	s.render(w, r, "letter_new", v)
	return nil
}

// hotlineFile files a caller's letter. A caller with an account (found by
// ID number, else by mobile, with the same name) sees it in their account
// and may rate the reply; anyone can follow it with its number and their
// name or mobile.
func (s *Server) hotlineFile(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireRole(r, yiwang.RoleHotlineOperator)
	if err != nil {
		return err
	}
	v, err := s.letterFormView(r, "12345热线登记", true)
	if err != nil {
		return err
	}
	f := v.Form.Values
	who := casework.Applicant{Name: f["name"], Mobile: f["mobile"], IDCard: f["idcard"]}
	if a, ok := s.callerAccount(r.Context(), actor, who); ok {
		who.AccountID = a
	}
	return s.fileLetter(w, r, v, actor, who, "letter_new")
}

// callerAccount finds the account of a caller: the one with their ID number,
// or with their mobile, when the name matches too.
func (s *Server) callerAccount(ctx context.Context, actor yiwang.Actor, who casework.Applicant) (string, bool) {
	for _, key := range []string{who.IDCard, who.Mobile} {
		if strings.TrimSpace(key) == "" {
			continue
		}
		a, err := s.Identity.FindCitizen(ctx, actor, key)
		if err == nil && a.Name == strings.TrimSpace(who.Name) {
			return a.ID, true
		}
	}
	return "", false
}

// letterView is a letter's page: for the complainant, the operator who
// typed it in, and the department that answers it.
type letterView struct {
	*caseView
	KindName string
	State    string
	Reply    string
	Replied  *casework.Event
	Groups   []orgGroup
	CanWork  bool // the department may forward or reply
	Urgency  casework.Urgency
}

func (s *Server) letterPage(w http.ResponseWriter, r *http.Request, cv *caseView) error {
	v, err := s.letterViewOf(r, cv)
	if err != nil {
		return err
	}
	s.render(w, r, "letter", v)
	return nil
}

func (s *Server) letterViewOf(r *http.Request, cv *caseView) (*letterView, error) {
	c := cv.C
	cv.Title = casework.KindName(c.Kind) + " " + c.No
	v := &letterView{caseView: cv, KindName: casework.KindName(c.Kind), State: casework.StateWords(c),
		Reply: casework.ReplyOf(c)}
	for i := range cv.Events { // newest first
		if cv.Events[i].Kind == "reply" {
			v.Replied = &cv.Events[i]
			break
		}
	}
	// A reply is rated once (review.ReviewCase).
	v.Review.CanReview = v.Review.CanReview && len(v.Review.Reviews) == 0 && c.State == casework.StateDelivered
	v.Review.FollowUp = false
	// A department head answers letters without handling applications.
	cv.Staff = cv.Staff || s.Cases.MayAnswer(r.Context(), cv.Actor, c)
	v.CanWork = c.State == casework.StateAccepted && s.Cases.MayAnswer(r.Context(), cv.Actor, c)
	if c.State == casework.StateAccepted {
		v.Urgency = s.Cases.UrgencyOf(c, cv.E.PromiseDays)
	}
	if v.CanWork {
		groups, err := s.answeringGroups(r.Context())
		if err != nil {
			return nil, err
		}
		v.Groups = groups
	}
	return v, nil
}

// letterAgain shows a letter's page again with the form's errors.
func (s *Server) letterAgain(w http.ResponseWriter, r *http.Request, err error, fields ...string) error {
	if yiwang.ErrorCode(err) != yiwang.EINVALID {
		return err
	}
	cv, verr := s.caseView(r)
	if verr != nil {
		return verr
	}
	cv.Form = newForm(r, fields...)
	cv.Form.Fail(err)
	v, verr := s.letterViewOf(r, cv)
	if verr != nil {
		return verr
	}
	w.WriteHeader(http.StatusBadRequest)
	s.render(w, r, "letter", v)
	return nil
}

func (s *Server) letterReply(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireRole(r, yiwang.RoleCaseOfficer, yiwang.RoleDeptHead)
	if err != nil {
		return err
	}
	if _, err := s.Cases.Reply(r.Context(), actor, r.PathValue("id"), r.PostFormValue("reply")); err != nil {
		return s.letterAgain(w, r, err, "reply")
	}
	s.Sessions.Put(r.Context(), sessFlash, "已答复，已通知来信人")
	http.Redirect(w, r, "/cases/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

func (s *Server) letterForward(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireRole(r, yiwang.RoleCaseOfficer, yiwang.RoleDeptHead)
	if err != nil {
		return err
	}
	c, err := s.Cases.Forward(r.Context(), actor, r.PathValue("id"), r.PostFormValue("org"), r.PostFormValue("reason"))
	if err != nil {
		return s.letterAgain(w, r, err, "org", "reason")
	}
	o, _ := s.Orgs.Get(r.Context(), c.OrgID)
	// The letter is no longer this org's: back to the inbox.
	s.Sessions.Put(r.Context(), sessFlash, "已转"+o.Name+"办理（编号 "+c.No+"）")
	http.Redirect(w, r, "/work", http.StatusSeeOther)
	return nil
}

// letterRate takes the complainant's rating of the reply.
func (s *Server) letterRate(w http.ResponseWriter, r *http.Request) error {
	cv, err := s.caseView(r)
	if err != nil {
		return err
	}
	dims, _ := review.DimensionsOf(cv.C)
	in := review.Input{Channel: channelOf(r), Scores: map[string]int{}, Text: r.PostFormValue("text")}
	fields := []string{"text"}
	for _, d := range dims {
		if n, ok := atoi(r.PostFormValue("s." + d.Key)); ok {
			in.Scores[d.Key] = n
		}
		fields = append(fields, "s."+d.Key)
	}
	if _, err := s.Reviews.ReviewCase(r.Context(), cv.Actor, cv.C.ID, in); err != nil {
		if status(err) == http.StatusInternalServerError || yiwang.ErrorCode(err) == yiwang.ENOTFOUND {
			return err
		}
		cv.Form = newForm(r, fields...)
		cv.Form.Fail(err)
		v, verr := s.letterViewOf(r, cv)
		if verr != nil {
			return verr
		}
		w.WriteHeader(status(err))
		s.render(w, r, "letter", v)
		return nil
	}
	s.Sessions.Put(r.Context(), sessFlash, "感谢您的评价！")
	http.Redirect(w, r, "/cases/"+cv.C.ID+"#review", http.StatusSeeOther)
	return nil
}

func atoi(s string) (int, bool) {
	if len(s) != 1 || s[0] < '0' || s[0] > '9' {
		return 0, false
	}
	return int(s[0] - '0'), true
}
