package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/review"
)

// reviewPart is what the applicant's case page shows of 好差评.
type reviewPart struct {
	Reviews   []review.Review
	Dims      []review.Dimension
	CanReview bool // the case has its outcome and a review or follow-up is left
	FollowUp  bool // the next one is the follow-up (追评)
}

// reviewPartOf fills the review part of the applicant's own case page.
func (s *Server) reviewPartOf(r *http.Request, v *caseView) error {
	if s.Reviews == nil || !v.Mine {
		return nil
	}
	rs, err := s.Reviews.Store.ReviewsOfCase(r.Context(), v.C.ID)
	if err != nil {
		return err
	}
	v.Review.Reviews = rs
	v.Review.Dims, _ = review.DimensionsOf(v.C)
	done := v.C.State == "decided" || v.C.State == "delivered" || v.C.State == "not_accepted"
	v.Review.CanReview, v.Review.FollowUp = done && len(rs) < 2, len(rs) == 1
	return nil
}

// channelOf guesses the evaluation channel: a phone's browser is the mobile
// service end, anything else the PC end (GB/T 39046 评价渠道 2 and 1).
func channelOf(r *http.Request) string {
	ua := strings.ToLower(r.UserAgent())
	if strings.Contains(ua, "mobile") || strings.Contains(ua, "android") || strings.Contains(ua, "iphone") {
		return "2"
	}
	return "1"
}

// caseReview takes the applicant's rating of their case.
func (s *Server) caseReview(w http.ResponseWriter, r *http.Request) error {
	v, err := s.caseView(r)
	if err != nil {
		return err
	}
	in := review.Input{Channel: channelOf(r), Scores: map[string]int{}, Text: r.PostFormValue("text")}
	for _, d := range v.Review.Dims {
		if n, err := strconv.Atoi(r.PostFormValue("s." + d.Key)); err == nil {
			in.Scores[d.Key] = n
		}
	}
	if _, err := s.Reviews.ReviewCase(r.Context(), v.Actor, v.C.ID, in); err != nil {
		if status(err) == http.StatusInternalServerError {
			return err
		}
		v.Form = newForm(r, "text")
		for _, d := range v.Review.Dims {
			v.Form.Values["s."+d.Key] = r.PostFormValue("s." + d.Key)
		}
		v.Form.Fail(err)
		w.WriteHeader(status(err))
		s.render(w, r, "case", v)
		return nil
	}
	s.Sessions.Put(r.Context(), sessFlash, "感谢您的评价！")
	http.Redirect(w, r, "/cases/"+v.C.ID+"#review", http.StatusSeeOther)
	return nil
}

type rectRow struct {
	review.Rectification
	Review review.Review
	Appeal *review.Appeal
}

type workReviewsView struct {
	Page
	Rows     []rectRow
	Appeals  []rectRow // supervisors: pending appeals
	Overdue  []rectRow // supervisors: escalated rectifications
	Form     Form
	FormFor  string // the rectification or appeal the form errors belong to
	Superv   bool
	Unhappy  int
	OrgNames map[string]string
}

func (s *Server) workReviewsView(r *http.Request) (*workReviewsView, error) {
	actor, err := requireRole(r, yiwang.RoleCaseOfficer, yiwang.RoleDeptHead, yiwang.RoleWindowClerk, yiwang.RoleSupervisor)
	if err != nil {
		return nil, err
	}
	v := &workReviewsView{Page: s.page(r, "好差评整改"), Superv: actor.Has(yiwang.RoleSupervisor),
		Form: Form{Values: map[string]string{}, Errors: map[string]string{}}}
	if v.OrgNames, _, err = s.orgNames(r); err != nil {
		return nil, err
	}
	row := func(x review.Rectification) (rectRow, error) {
		rv, err := s.Reviews.Store.Review(r.Context(), x.ReviewID)
		return rectRow{Rectification: x, Review: rv}, err
	}
	if actor.HasAny(yiwang.RoleCaseOfficer, yiwang.RoleDeptHead, yiwang.RoleWindowClerk) && actor.OrgID != "" {
		mine, err := s.Orgs.Subtree(r.Context(), actor.OrgID)
		if err != nil {
			return nil, err
		}
		ids := make([]string, 0, len(mine))
		for id := range mine {
			ids = append(ids, id)
		}
		xs, err := s.Reviews.Store.Rectifications(r.Context(), ids, 100)
		if err != nil {
			return nil, err
		}
		for _, x := range xs {
			rr, err := row(x)
			if err != nil {
				return nil, err
			}
			v.Rows = append(v.Rows, rr)
		}
	}
	if v.Superv {
		as, err := s.Reviews.Store.Appeals(r.Context(), review.AppealPending, 100)
		if err != nil {
			return nil, err
		}
		for i := range as {
			rv, err := s.Reviews.Store.Review(r.Context(), as[i].ReviewID)
			if err != nil {
				return nil, err
			}
			v.Appeals = append(v.Appeals, rectRow{Review: rv, Appeal: &as[i]})
		}
		xs, err := s.Reviews.Store.Rectifications(r.Context(), nil, 200)
		if err != nil {
			return nil, err
		}
		for _, x := range xs {
			if !x.EscalatedAt.IsZero() && x.State != review.RectReplied {
				rr, err := row(x)
				if err != nil {
					return nil, err
				}
				v.Overdue = append(v.Overdue, rr)
			}
		}
	}
	return v, nil
}

// workReviewsPage lists the org's rectifications and, for supervisors,
// pending appeals and escalated rectifications.
func (s *Server) workReviewsPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.workReviewsView(r)
	if err != nil {
		return err
	}
	s.render(w, r, "work_reviews", v)
	return nil
}

// workReviewOp runs one action: revisit, reply, appeal, uphold, reject.
func (s *Server) workReviewOp(w http.ResponseWriter, r *http.Request) error {
	v, err := s.workReviewsView(r)
	if err != nil {
		return err
	}
	id, text := r.PathValue("id"), r.PostFormValue("text")
	var flash string
	switch r.PathValue("op") {
	case "revisit":
		_, err = s.Reviews.Revisit(r.Context(), v.Actor, id, text)
		flash = "已记录回访"
	case "reply":
		_, err = s.Reviews.Reply(r.Context(), v.Actor, id, text)
		flash = "已提交整改答复，评价人会收到通知"
	case "appeal":
		_, err = s.Reviews.AppealReview(r.Context(), v.Actor, id, text)
		flash = "申诉已提交，等待监察人员审核"
	case "uphold", "reject":
		_, err = s.Reviews.DecideAppeal(r.Context(), v.Actor, id, r.PathValue("op") == "uphold", text)
		flash = "已审核申诉"
	default:
		return yiwang.Errorf(yiwang.ENOTFOUND, "您访问的页面不存在")
	}
	if err != nil {
		if status(err) == http.StatusInternalServerError {
			return err
		}
		v.Form = newForm(r, "text")
		v.Form.Fail(err)
		if v.Form.Errors["reason"] != "" || v.Form.Errors["decision"] != "" {
			v.Form.Errors["text"] = v.Form.Errors["reason"] + v.Form.Errors["decision"]
		}
		v.FormFor = id
		w.WriteHeader(status(err))
		s.render(w, r, "work_reviews", v)
		return nil
	}
	s.Sessions.Put(r.Context(), sessFlash, flash)
	http.Redirect(w, r, "/work/reviews", http.StatusSeeOther)
	return nil
}

type reviewsPublicView struct {
	Page
	ByOrg, ByTownship, ByItem []review.Figures
	Recent                    []review.Review
}

// reviewsPublic is the public 好差评 column: figures per department and
// per item, rankings, and the newest reviews (those excluded after an
// appeal stay, marked).
func (s *Server) reviewsPublic(w http.ResponseWriter, r *http.Request) error {
	v := &reviewsPublicView{Page: s.page(r, "好差评")}
	v.Nav = "reviews"
	var err error
	if v.ByOrg, err = s.Reviews.Figures(r.Context(), "org"); err != nil {
		return err
	}
	if v.ByTownship, err = s.Reviews.Figures(r.Context(), "township"); err != nil {
		return err
	}
	if v.ByItem, err = s.Reviews.Figures(r.Context(), "item"); err != nil {
		return err
	}
	if v.Recent, err = s.Reviews.Store.RecentReviews(r.Context(), 20); err != nil {
		return err
	}
	s.render(w, r, "reviews", v)
	return nil
}

// apiFigure is one group's public figures.
type apiFigure struct {
	Key         string  `json:"key"`
	Name        string  `json:"name"`
	Reviews     int     `json:"reviews"`
	Good        int     `json:"good"`
	Bad         int     `json:"bad"`
	Rectified   int     `json:"rectified"`
	GoodRate    float64 `json:"good_rate"`
	BadRate     float64 `json:"bad_rate"`
	RectifyRate float64 `json:"rectify_rate"`
}

// apiReviewFigures is the open data of 好差评: ?by=org, township or item.
func (s *Server) apiReviewFigures(w http.ResponseWriter, r *http.Request) error {
	by := r.URL.Query().Get("by")
	if by == "" {
		by = "org"
	}
	fs, err := s.Reviews.Figures(r.Context(), by)
	if err != nil {
		return err
	}
	out := make([]apiFigure, 0, len(fs))
	for _, f := range fs {
		out = append(out, apiFigure{Key: f.Key, Name: f.Name, Reviews: f.Reviews, Good: f.Good, Bad: f.BadCount,
			Rectified: f.Rectified, GoodRate: f.GoodRate(), BadRate: f.BadRate(), RectifyRate: f.RectifyRate()})
	}
	writeJSON(w, http.StatusOK, map[string]any{"by": by, "figures": out})
	return nil
}

// apiCaseReview takes the applicant's rating over the API.
func (s *Server) apiCaseReview(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	var in struct {
		Channel string         `json:"channel"`
		Scores  map[string]int `json:"scores"`
		Text    string         `json:"text"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Channel == "" {
		in.Channel = channelOf(r)
	}
	rv, err := s.Reviews.ReviewCase(r.Context(), actor, r.PathValue("id"), review.Input{Channel: in.Channel, Scores: in.Scores, Text: in.Text})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": rv.ID, "case_id": rv.CaseID, "follow_up": rv.FollowUp,
		"overall": rv.Overall(), "scores": rv.Scores, "channel": rv.Channel, "created_at": rv.CreatedAt.UTC().Format(apiTime)})
	return nil
}

type visitView struct {
	Page
	CaseNo, ItemName string
	Dims             []review.Dimension
	Form             Form
	Done             bool
}

// visitPage is the counter's QR code's page (一次一评): rate the visit on
// the spot, without logging in.
func (s *Server) visitPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.visitView(r)
	if err != nil {
		return err
	}
	s.render(w, r, "rate_visit", v)
	return nil
}

func (s *Server) visitView(r *http.Request) (*visitView, error) {
	id, token := r.PathValue("id"), r.URL.Query().Get("t")
	c, err := s.Reviews.Cases.Case(r.Context(), id)
	if err != nil || token == "" || token != s.Reviews.VisitToken(id) {
		return nil, yiwang.Errorf(yiwang.ENOTFOUND, "评价链接无效，请扫描窗口出示的二维码")
	}
	v := &visitView{Page: s.page(r, "评价本次窗口服务"), CaseNo: c.No, ItemName: c.ItemName, Dims: review.WindowDimensions,
		Form: Form{Values: map[string]string{}, Errors: map[string]string{}}}
	rs, err := s.Reviews.Store.ReviewsOfCase(r.Context(), id)
	if err != nil {
		return nil, err
	}
	for _, rv := range rs {
		v.Done = v.Done || rv.Visit
	}
	return v, nil
}

// visitRate takes the rating of a counter visit.
func (s *Server) visitRate(w http.ResponseWriter, r *http.Request) error {
	v, err := s.visitView(r)
	if err != nil {
		return err
	}
	if v.Done { // rated already: say so, change nothing
		s.render(w, r, "rate_visit", v)
		return nil
	}
	channel := "3" // 二维码
	if r.PostFormValue("via") == "tablet" {
		channel = "4" // 政务大厅平板电脑
	}
	in := review.Input{Channel: channel, Scores: map[string]int{}, Text: r.PostFormValue("text")}
	for _, d := range v.Dims {
		if n, err := strconv.Atoi(r.PostFormValue("s." + d.Key)); err == nil {
			in.Scores[d.Key] = n
		}
	}
	if _, err := s.Reviews.ReviewVisit(r.Context(), r.PathValue("id"), r.URL.Query().Get("t"), in); err != nil {
		if status(err) == http.StatusInternalServerError {
			return err
		}
		v.Form = newForm(r, "text")
		for _, d := range v.Dims {
			v.Form.Values["s."+d.Key] = r.PostFormValue("s." + d.Key)
		}
		v.Form.Fail(err)
		w.WriteHeader(status(err))
		s.render(w, r, "rate_visit", v)
		return nil
	}
	v.Done = true
	v.Flash = "感谢您的评价！"
	s.render(w, r, "rate_visit", v)
	return nil
}

// visitLink fills the counter's 一次一评 QR code on the case page of the
// clerk who filed it, until the visit is rated.
func (s *Server) visitLink(r *http.Request, v *caseView) error {
	rs, err := s.Reviews.Store.ReviewsOfCase(r.Context(), v.C.ID)
	if err != nil {
		return err
	}
	for _, rv := range rs {
		if rv.Visit {
			return nil
		}
	}
	token := s.Reviews.VisitToken(v.C.ID)
	if token == "" {
		return nil
	}
	v.VisitURL = s.siteURL(r) + "/rate/" + v.C.ID + "?t=" + url.QueryEscape(token)
	v.VisitQR, err = qrDataURL(v.VisitURL)
	return err
}
