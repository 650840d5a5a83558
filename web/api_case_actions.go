package web

import (
	"context"
	"fmt"
	"net/http"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/casework"
)

// The actions on a case over the API. Each is a thin wrapper over the
// casework method of the same name, which checks the role, the org and the
// state; ECONFLICT (another state, or a version that moved) becomes 409.

// caseAction is one POST on a case: it decodes its body into in and runs
// the casework method; the answer is the case afterwards.
func (s *Server) caseAction(in any, optional bool, run func(ctx context.Context, actor yiwang.Actor, id string) error) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		actor, err := requireLogin(r)
		if err != nil {
			return err
		}
		decode := decodeJSON
		if optional {
			decode = decodeOptionalJSON
		}
		if err := decode(w, r, in); err != nil {
			return err
		}
		if err := run(r.Context(), actor, r.PathValue("id")); err != nil {
			return err
		}
		return s.writeCase(w, r, actor, r.PathValue("id"), http.StatusOK)
	}
}

// apiCorrectionIn is one item of a correction notice: a material or a
// condition of the guide, by index, and what is wrong with it.
type apiCorrectionIn struct {
	Material  *int   `json:"material"`
	Condition *int   `json:"condition"`
	Reason    string `json:"reason"`
}

func (s *Server) apiCaseCorrections(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Items []apiCorrectionIn `json:"items"`
	}
	return s.caseAction(&in, false, func(ctx context.Context, actor yiwang.Actor, id string) error {
		if len(in.Items) > maxMaterials {
			return yiwang.Invalid(map[string]string{"items": fmt.Sprintf("补正内容不能超过 %d 项", maxMaterials)})
		}
		items := make([]casework.Correction, len(in.Items))
		for i, it := range in.Items {
			items[i] = casework.Correction{Material: -1, Condition: -1, Reason: it.Reason}
			if it.Material != nil {
				items[i].Material = *it.Material
			}
			if it.Condition != nil {
				items[i].Condition = *it.Condition
			}
		}
		_, err := s.Cases.RequestCorrection(ctx, actor, id, items)
		return err
	})(w, r)
}

func (s *Server) apiCaseResubmit(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Materials []apiMaterialIn `json:"materials"`
	}
	return s.caseAction(&in, false, func(ctx context.Context, actor yiwang.Actor, id string) error {
		mats, err := s.ownMaterials(ctx, actor, in.Materials)
		if err != nil {
			return err
		}
		_, err = s.Cases.Resubmit(ctx, actor, id, mats)
		return err
	})(w, r)
}

func (s *Server) apiCaseAccept(w http.ResponseWriter, r *http.Request) error {
	var in struct{}
	return s.caseAction(&in, true, func(ctx context.Context, actor yiwang.Actor, id string) error {
		_, err := s.Cases.Accept(ctx, actor, id)
		return err
	})(w, r)
}

func (s *Server) apiCaseRefuse(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Reason string `json:"reason"`
		Basis  string `json:"basis"`
	}
	return s.caseAction(&in, false, func(ctx context.Context, actor yiwang.Actor, id string) error {
		_, err := s.Cases.Refuse(ctx, actor, id, in.Reason, in.Basis)
		return err
	})(w, r)
}

func (s *Server) apiCaseDecide(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Decision  string          `json:"decision"`
		Note      string          `json:"note"`
		Documents []apiMaterialIn `json:"documents"` // decision documents uploaded with POST /api/v1/files; index is ignored
		Fees      []apiFeeIn      `json:"fees"`      // the fees charged (收费): web/fees.go
	}
	return s.caseAction(&in, false, func(ctx context.Context, actor yiwang.Actor, id string) error {
		docs, err := s.ownMaterials(ctx, actor, in.Documents)
		if err != nil {
			return err
		}
		_, err = s.Cases.DecideWith(ctx, actor, id, casework.Decision{Decision: in.Decision, Note: in.Note, Documents: docs,
			Fees: feeLinesAPI(in.Fees)})
		return err
	})(w, r)
}

// apiTaskDo does one of the caller's tasks on a case: a review opinion, or
// 制证 with the documents made.
func (s *Server) apiTaskDo(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Opinion   string          `json:"opinion"`
		Note      string          `json:"note"`
		Documents []apiMaterialIn `json:"documents"`
	}
	return s.caseAction(&in, false, func(ctx context.Context, actor yiwang.Actor, id string) error {
		docs, err := s.ownMaterials(ctx, actor, in.Documents)
		if err != nil {
			return err
		}
		_, err = s.Cases.CompleteTask(ctx, actor, id, r.PathValue("task"), casework.TaskWork{Opinion: in.Opinion, Note: in.Note, Documents: docs})
		return err
	})(w, r)
}

func (s *Server) apiCaseDeliver(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Method   string `json:"method"`
		Address  string `json:"address"`
		Carrier  string `json:"carrier"`
		Tracking string `json:"tracking"`
	}
	return s.caseAction(&in, false, func(ctx context.Context, actor yiwang.Actor, id string) error {
		_, err := s.Cases.Deliver(ctx, actor, id, casework.Delivery{Method: in.Method, Address: in.Address,
			Carrier: in.Carrier, Tracking: in.Tracking})
		return err
	})(w, r)
}

func (s *Server) apiCaseWithdraw(w http.ResponseWriter, r *http.Request) error {
	var in struct{}
	return s.caseAction(&in, true, func(ctx context.Context, actor yiwang.Actor, id string) error {
		_, err := s.Cases.Withdraw(ctx, actor, id)
		return err
	})(w, r)
}

func (s *Server) apiCaseSpecialStart(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Kind   string `json:"kind"`
		Reason string `json:"reason"`
	}
	return s.caseAction(&in, false, func(ctx context.Context, actor yiwang.Actor, id string) error {
		_, err := s.Cases.StartSpecial(ctx, actor, id, in.Kind, in.Reason)
		return err
	})(w, r)
}

func (s *Server) apiCaseSpecialEnd(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Result string `json:"result"`
	}
	return s.caseAction(&in, false, func(ctx context.Context, actor yiwang.Actor, id string) error {
		_, err := s.Cases.EndSpecial(ctx, actor, id, in.Result)
		return err
	})(w, r)
}
