package casework

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yushan-gov/yiwang"
)

// Draft is an application being written: the materials uploaded so far and
// the note. One per applicant and item; it is kept until submitted.
type Draft struct {
	ApplicantID string
	EntryCode   string
	Materials   []Material
	Fields      map[string]string
	Note        string
	UpdatedAt   time.Time
}

// DraftStore keeps drafts.
type DraftStore interface {
	SaveDraft(ctx context.Context, d Draft) error
	Draft(ctx context.Context, applicantID, entryCode string) (Draft, error)
	DeleteDraft(ctx context.Context, applicantID, entryCode string) error
}

// merge puts newer files over older ones, by material index.
func merge(old, newer []Material) []Material {
	by := map[int]Material{}
	var order []int
	for _, list := range [][]Material{old, newer} {
		for _, m := range list {
			if m.FileID == "" {
				continue
			}
			if _, ok := by[m.Index]; !ok {
				order = append(order, m.Index)
			}
			by[m.Index] = m
		}
	}
	out := make([]Material, 0, len(order))
	for _, i := range order {
		out = append(out, by[i])
	}
	return out
}

// SaveDraft adds newly uploaded files and the note to the actor's draft of
// an item, so the application can be resumed later, on any device.
func (s *Service) SaveDraft(ctx context.Context, actor yiwang.Actor, code string, files []Material, fields map[string]string, note string) (Draft, error) {
	if actor.Anonymous() {
		return Draft{}, yiwang.Errorf(yiwang.EUNAUTHORIZED, "请先登录")
	}
	if _, err := s.Catalog.Published(ctx, code); err != nil {
		return Draft{}, err
	}
	if utf8.RuneCountInString(note) > 500 {
		return Draft{}, yiwang.Invalid(map[string]string{"note": "补充说明不能超过500个字"})
	}
	d, err := s.Drafts.Draft(ctx, actor.AccountID, code)
	if err != nil && yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
		return Draft{}, err
	}
	d.ApplicantID, d.EntryCode = actor.AccountID, code
	d.Materials = merge(d.Materials, files)
	d.Fields = map[string]string{}
	for k, v := range fields {
		if len(k) <= 40 && utf8.RuneCountInString(v) <= 1000 {
			d.Fields[k] = strings.TrimSpace(v)
		}
	}
	d.Note, d.UpdatedAt = strings.TrimSpace(note), s.Clock.Now()
	return d, s.Drafts.SaveDraft(ctx, d)
}

// DraftOf returns the actor's draft of an item; a missing draft is empty.
func (s *Service) DraftOf(ctx context.Context, actor yiwang.Actor, code string) (Draft, error) {
	d, err := s.Drafts.Draft(ctx, actor.AccountID, code)
	if yiwang.ErrorCode(err) == yiwang.ENOTFOUND {
		return Draft{ApplicantID: actor.AccountID, EntryCode: code}, nil
	}
	return d, err
}
