package web

import (
	"context"
	"net/http"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/casework"
)

// The letters API (投诉、咨询、建议): a citizen or enterprise user files
// their own, a 12345 hotline operator (or the hotline's system with an
// operator's token) files one for a caller; the department replies or
// forwards. GET /api/v1/cases/{id} reads a letter like any case.

type apiLetterIn struct {
	Kind    string `json:"kind"`   // complaint, consultation, suggestion
	OrgID   string `json:"org_id"` // the department asked to answer
	About   string `json:"about"`  // optional: the number of the case it concerns
	Subject string `json:"subject"`
	Text    string `json:"text"`
	// Caller is who called the hotline: operators only.
	Caller *struct {
		Name   string `json:"name"`
		Mobile string `json:"mobile"`
		IDCard string `json:"idcard"`
	} `json:"caller"`
}

func (s *Server) apiLetterFile(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	var in apiLetterIn
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	var who casework.Applicant
	switch {
	case actor.Has(yiwang.RoleHotlineOperator):
		if in.Caller == nil {
			return yiwang.Invalid(map[string]string{"caller": "请填写来电人姓名和手机号"})
		}
		who = casework.Applicant{Name: in.Caller.Name, Mobile: in.Caller.Mobile, IDCard: in.Caller.IDCard}
		if id, ok := s.callerAccount(r.Context(), actor, who); ok {
			who.AccountID = id
		}
	case actor.Kind != yiwang.KindStaff:
		a, err := s.Identity.Get(r.Context(), actor.AccountID)
		if err != nil {
			return err
		}
		who = casework.Applicant{AccountID: a.ID, Name: a.Name, Mobile: a.Mobile, IDCard: a.IDCard, Enterprise: actor.EnterpriseID}
	}
	c, err := s.Cases.FileLetter(r.Context(), actor, who, casework.Letter{Kind: in.Kind, OrgID: in.OrgID, About: in.About,
		Subject: in.Subject, Text: in.Text})
	if err != nil {
		return err
	}
	return s.writeCase(w, r, actor, c.ID, http.StatusCreated)
}

func (s *Server) apiLetterReply(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Reply string `json:"reply"`
	}
	return s.caseAction(&in, false, func(ctx context.Context, actor yiwang.Actor, id string) error {
		_, err := s.Cases.Reply(ctx, actor, id, in.Reply)
		return err
	})(w, r)
}

// apiLetterForward answers with the letter as it was handed over: it is no
// longer the caller's org's to read.
func (s *Server) apiLetterForward(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	var in struct {
		OrgID  string `json:"org_id"`
		Reason string `json:"reason"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := s.Cases.Forward(r.Context(), actor, r.PathValue("id"), in.OrgID, in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, summaryCase(c))
	return nil
}
